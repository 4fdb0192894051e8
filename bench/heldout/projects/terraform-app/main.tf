terraform {
  required_version = ">= 1.5"
}

variable "environment" {
  type    = string
  default = "staging"
}

locals {
  name = "billing-${var.environment}"
  tags = {
    Service = "billing"
    Owner = "platform"
  }
}

output "bucket_name" {
  value = "${local.name}-${var.region}"
}
