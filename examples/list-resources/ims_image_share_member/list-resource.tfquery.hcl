# terraform query -generate-config-out=members.tf   (Terraform >= 1.14)
# finds every member of the project's shared images and writes an
# ims_image_share_member block and an import block for each; terraform plan
# then imports them with no change. The provider is configured in
# providers.tf.
list "ims_image_share_member" "existing" {
  provider         = ims
  include_resource = true

  config {
    # Optional filters: member_type, status, image_ids, member_ids.
    image_ids = ["5f0b4bd2-8a47-4c11-9b1e-6a0d3e2c7f90"]
    status    = "accepted"
  }
}
