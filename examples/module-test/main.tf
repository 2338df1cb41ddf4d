# A module that shares an image with its consumers, and its tests: run
# `terraform test` (Terraform >= 1.6, or `tofu test`) against the emulator
# started with `ims-emulator -fixtures world.json -env-file emulator.env`
# (see the README). tests/ holds the test that passes against a healthy
# IMS; faults/ the test of what the module does while IMS refuses to list
# the image's members, run with `terraform test -test-directory=faults`
# after that fault is switched on through the emulator's admin API.
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

# Warns, without failing the apply, when the image's members cannot be read
# (IMS refuses, or the image is gone): a check's data source never blocks.
check "members_readable" {
  data "ims_image_members" "current" {
    image_id = var.image_id
  }

  assert {
    condition     = data.ims_image_members.current.image_id == var.image_id
    error_message = "the members of image ${var.image_id} cannot be read"
  }
}
