# EBS snapshot permissions, RDS snapshot sharing and AMI launch
# permissions. Rules PERIM015, PERIM016, PERIM021.

data "aws_caller_identity" "current" {}

resource "aws_ebs_volume" "data" {
  availability_zone = "us-east-1a"
  size              = 40
}

resource "aws_ebs_snapshot" "data" {
  volume_id = aws_ebs_volume.data.id
}

resource "aws_snapshot_create_volume_permission" "partner" {
  snapshot_id = aws_ebs_snapshot.data.id
  account_id  = "444455556666" # want: PERIM015 external
}

resource "aws_snapshot_create_volume_permission" "own" {
  snapshot_id = aws_ebs_snapshot.data.id
  account_id  = data.aws_caller_identity.current.account_id
}

resource "aws_db_snapshot" "shared" {
  db_instance_identifier = "db"
  db_snapshot_identifier = "db-snapshot"
  shared_accounts        = ["all", "444455556666"] # want: PERIM016 public, PERIM016 external
}

resource "aws_db_snapshot" "unshared" {
  db_instance_identifier = "db"
  db_snapshot_identifier = "db-snapshot-private"
}

resource "aws_db_cluster_snapshot" "shared" {
  db_cluster_identifier          = "cluster"
  db_cluster_snapshot_identifier = "cluster-snapshot"
  shared_accounts = [
    "444455556666", # want: PERIM016 external
    data.aws_caller_identity.current.account_id,
  ]
}

resource "aws_ami_launch_permission" "account" {
  image_id   = "ami-12345678"
  account_id = "444455556666" # want: PERIM021 external
}

resource "aws_ami_launch_permission" "everyone" {
  image_id = "ami-12345678"
  group    = "all" # want: PERIM021 public
}

# In an account zone, an organization or organizational unit is outside.
resource "aws_ami_launch_permission" "organization" {
  image_id         = "ami-12345678"
  organization_arn = "arn:aws:organizations::111122223333:organization/o-abcdefghij" # want: PERIM021 external
}

resource "aws_ami_launch_permission" "unit" {
  image_id                = "ami-12345678"
  organizational_unit_arn = "arn:aws:organizations::111122223333:ou/o-abcdefghij/ou-ab12-11111111" # want: PERIM021 external
}
