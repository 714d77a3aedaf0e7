# aws_iam_policy_document written in HCL: policy_id and version, not_actions,
# not_resources, not_principals, conditions with several values and two
# conditions on one statement, source and override documents merged by
# sid, and a document passed into a module and back out of it.
# The zone is 111122223333.

data "aws_caller_identity" "current" {}

resource "aws_sqs_queue" "orders" {
  name = "orders"
}

# The source document. Its "Partner" statement is replaced by the
# override document's, and its "Legacy" statement by the document's own:
# neither 999988887777 nor 888877776666 is granted anything.
data "aws_iam_policy_document" "source" {
  policy_id = "source-id"
  statement {
    sid       = "Partner"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.orders.arn]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::999988887777:root"]
    }
  }
  statement {
    sid       = "Legacy"
    actions   = ["sqs:*"]
    resources = [aws_sqs_queue.orders.arn]
    principals {
      type        = "AWS"
      identifiers = ["888877776666"]
    }
  }
  # No sid: kept as it is.
  statement {
    actions   = ["sqs:GetQueueAttributes"]
    resources = [aws_sqs_queue.orders.arn]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::444455556666:role/monitor"] # want: PERIM006 external
    }
  }
}

data "aws_iam_policy_document" "override" {
  statement {
    sid       = "Partner"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.orders.arn]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::${data.aws_caller_identity.current.account_id}:role/partner-bridge"]
    }
  }
}

data "aws_iam_policy_document" "orders" {
  policy_id                 = "orders-queue"
  version                   = "2012-10-17"
  source_policy_documents   = [data.aws_iam_policy_document.source.json]
  override_policy_documents = [data.aws_iam_policy_document.override.json]

  statement {
    sid       = "Legacy"
    actions   = ["sqs:ReceiveMessage"]
    resources = [aws_sqs_queue.orders.arn]
    principals {
      type        = "AWS"
      identifiers = [data.aws_caller_identity.current.account_id]
    }
  }

  # Everything but deleting the queue, for another account.
  statement {
    sid         = "Operations"
    not_actions = ["sqs:DeleteQueue"]
    resources   = [aws_sqs_queue.orders.arn]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::555566667777:role/ops"] # want: PERIM006 external
    }
  }

  # Allow with NotPrincipal: everyone except the admin role, public.
  statement {
    sid       = "AllButAdmin"
    actions   = ["sqs:ReceiveMessage"]
    resources = [aws_sqs_queue.orders.arn]
    not_principals { # want: PERIM006 public
      type        = "AWS"
      identifiers = ["arn:aws:iam::111122223333:role/admin"]
    }
  }

  # Several values: one of the two accounts is outside the zone.
  statement {
    sid       = "TwoAccounts"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.orders.arn]
    principals {
      type        = "*"
      identifiers = ["*"] # want: PERIM006 external
    }
    condition {
      test     = "StringEquals"
      variable = "aws:PrincipalAccount"
      values   = ["111122223333", "666677778888"]
    }
  }

  # Two conditions on one statement: AWS ANDs them, so the account
  # condition confines what the endpoint condition only narrows.
  statement {
    sid       = "EndpointsOfTheAccount"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.orders.arn]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceVpce"
      values   = ["vpce-1111aaaa", "vpce-2222bbbb"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:PrincipalAccount"
      values   = ["111122223333"]
    }
  }

  # The endpoint condition alone narrows "*": external, not public.
  statement {
    sid       = "Endpoints"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.orders.arn]
    principals {
      type        = "AWS"
      identifiers = ["*"] # want: PERIM006 external
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceVpce"
      values   = ["vpce-1111aaaa", "vpce-2222bbbb"]
    }
  }
}

resource "aws_sqs_queue_policy" "orders" {
  queue_url = aws_sqs_queue.orders.id
  policy    = data.aws_iam_policy_document.orders.json
}

# A document handed to a module, which adds a statement to it and hands it
# back as an output.
data "aws_iam_policy_document" "archive_base" {
  statement {
    sid           = "Readers"
    actions       = ["s3:GetObject"]
    not_resources = ["arn:aws:s3:::archive/private/*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::444455556666:role/reader"] # want: PERIM001 external
    }
  }
}

module "archive_policy" {
  source = "./modules/queue-policy"
  base   = data.aws_iam_policy_document.archive_base.json
  writer = "arn:aws:iam::777788889999:role/writer" # want: PERIM001 external
}

resource "aws_s3_bucket" "archive" {
  bucket = "archive"
}

resource "aws_s3_bucket_policy" "archive" {
  bucket = aws_s3_bucket.archive.id
  policy = module.archive_policy.json
}

# Deny with NotPrincipal naming only the zone's roles takes the Allow to
# "*" back from everyone outside the zone: nothing is reported.
data "aws_iam_policy_document" "internal" {
  statement {
    sid       = "Everyone"
    actions   = ["sqs:SendMessage"]
    resources = ["*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
  }
  statement {
    sid       = "OnlyTheApp"
    effect    = "Deny"
    actions   = ["sqs:*"]
    resources = ["*"]
    not_principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::111122223333:role/app", "arn:aws:iam::111122223333:root"]
    }
  }
}

resource "aws_sqs_queue" "internal" {
  name   = "internal"
  policy = data.aws_iam_policy_document.internal.json
}
