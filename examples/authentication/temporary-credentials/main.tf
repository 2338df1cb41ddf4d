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

variable "security_token" {
  type      = string
  sensitive = true
}

# Temporary credentials (from an agency or STS): the temporary key pair and
# its security token, which is sent and signed as X-Security-Token.
# Environment: HW_ACCESS_KEY, HW_SECRET_KEY, HW_SECURITY_TOKEN.
provider "ims" {
  region         = "cn-north-4"
  access_key     = var.access_key
  secret_key     = var.secret_key
  security_token = var.security_token
}

data "ims_image_members" "this" {
  image_id = "370befec-a369-475e-a224-44a45927a8fe"
}

output "member_ids" {
  value = data.ims_image_members.this.member_ids
}
