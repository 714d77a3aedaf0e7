from_varfile = "arn:aws:iam::666666666666:root"
from_flag    = "varfile-loses-to-flag"
