# Share what an image pipeline builds, once, right after the build: the
# terraform_data stands in for the build (a Packer run, say) and hands on
# the IDs of the images it made. The action runs after the build is
# created, and on no later apply; it adds only the members each image lacks,
# with one request for every image that lacks the same members, and keeps
# no state (Terraform >= 1.14).
resource "terraform_data" "image_build" {
  input = [
    "d7c3b1a2-6e5f-4a8b-9c0d-1e2f3a4b5c6d",
    "5f0b4bd2-8a47-4c11-9b1e-6a0d3e2c7f90",
  ]

  lifecycle {
    action_trigger {
      events  = [after_create]
      actions = [action.ims_share_image.consumers]
    }
  }
}

action "ims_share_image" "consumers" {
  config {
    image_ids = terraform_data.image_build.output
    projects = [
      "05041fffa40025702fcdc009d5a1b3c1",
      "7d2a4c1e9b8f4a6d8e5c3b1a0f9e8d7c",
    ]

    timeouts {
      invoke = "15m"
    }
  }
}

# Or share them again at any time, without a build:
#   terraform apply -invoke=action.ims_share_image.consumers
