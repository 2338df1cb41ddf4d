terraform {
  required_providers {
    ims = {
      source  = "terraform-ims/ims"
      version = "~> 0.1"
    }
  }
}

variable "access_key" {
  type = string
}

variable "secret_key" {
  type      = string
  sensitive = true
}

# Permanent access keys of an IAM user. Prefer HW_ACCESS_KEY and
# HW_SECRET_KEY in the environment to keeping keys in configuration.
provider "ims" {
  region     = "cn-north-4"
  access_key = var.access_key
  secret_key = var.secret_key
}

data "ims_image_members" "this" {
  image_id = "370befec-a369-475e-a224-44a45927a8fe"
}

output "member_ids" {
  value = data.ims_image_members.this.member_ids
}
