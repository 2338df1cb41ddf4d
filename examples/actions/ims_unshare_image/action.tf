# The emergency unshare: take images away from everyone they are shared
# with, whoever shared them, with
#
#   terraform apply -invoke=action.ims_unshare_image.all
#
# (Terraform >= 1.14). Nothing runs on a plain apply. An ims_image_share on
# one of these images would add its members back on its next apply: remove
# it from its configuration (or its members) first.
action "ims_unshare_image" "all" {
  config {
    image_ids = [
      "370befec-a369-475e-a224-44a45927a8fe",
      "5f0b4bd2-8a47-4c11-9b1e-6a0d3e2c7f90",
    ]
    all = true
  }
}

# Or stop sharing with one project only, leaving the other members:
action "ims_unshare_image" "one_project" {
  config {
    image_ids = ["370befec-a369-475e-a224-44a45927a8fe"]
    projects  = ["7d2a4c1e9b8f4a6d8e5c3b1a0f9e8d7c"]
  }
}
