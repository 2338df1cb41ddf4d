# With the recipient's credentials: accept everything the factory project
# has shared with this project and that is still pending, with
#
#   terraform apply -invoke=action.ims_accept_image_shares.factory
#
# (Terraform >= 1.14). Shares already accepted or rejected are left alone,
# so it can run after every factory release.
action "ims_accept_image_shares" "factory" {
  config {
    owner = "0a1b2c3d4e5f4a5b8c7d6e5f4a3b2c1d"
  }
}

# Reject the pending shares of images whose names say they are not for
# this project.
action "ims_accept_image_shares" "refuse_tools" {
  config {
    status     = "rejected"
    name_regex = "-tools$"
  }
}
