from_auto = "a-loses-to-b"
