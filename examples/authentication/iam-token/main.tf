terraform {
  required_providers {
    ims = {
      source  = "terraform-ims/ims"
      version = "~> 0.1"
    }
  }
}

variable "iam_token" {
  type      = string
  sensitive = true
}

# An IAM token, sent as X-Auth-Token instead of a signature. It cannot be
# combined with access keys. Environment: HW_AUTH_TOKEN.
provider "ims" {
  region = "cn-north-4"
  token  = var.iam_token
}

data "ims_image_members" "this" {
  image_id = "370befec-a369-475e-a224-44a45927a8fe"
}

output "member_ids" {
  value = data.ims_image_members.this.member_ids
}
