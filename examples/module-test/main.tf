# A module that shares an image with its consumers, and its test: run
# `terraform test` (Terraform >= 1.6, or `tofu test`) against the emulator
# started with `ims-emulator -fixtures world.json` (see the README).
terraform {
  required_providers {
    ims = {
      source  = "terraform-ims/ims"
      version = "~> 0.1"
    }
  }
}

variable "image_id" { type = string }
variable "consumers" { type = set(string) }

resource "ims_image_share" "this" {
  image_id = var.image_id
  projects = var.consumers
}

output "pending" {
  value = [for m in ims_image_share.this.members : m.member_id if m.status == "pending"]
}
