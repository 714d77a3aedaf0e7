from_tfvars  = "arn:aws:iam::333333333333:root"
from_auto    = "tfvars-loses-to-auto"
from_varfile = "tfvars-loses-to-varfile"
