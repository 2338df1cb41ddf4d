# A module that shares an image with its consumers through the official
# huaweicloud provider, tested against ims-emulator (see the README,
# "Testing modules that use the official huaweicloud provider").
terraform {
  required_providers {
    huaweicloud = {
      source  = "huaweicloud/huaweicloud"
      version = ">= 1.60"
    }
  }
}

variable "image_id" { type = string }
variable "consumers" { type = set(string) }

resource "huaweicloud_images_image_share" "this" {
  source_image_id    = var.image_id
  target_project_ids = var.consumers
}

output "shared_with" {
  value = huaweicloud_images_image_share.this.target_project_ids
}
