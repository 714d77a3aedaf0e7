from_auto = "arn:aws:iam::555555555555:root"
