# terraform query -generate-config-out=shares.tf   (Terraform >= 1.14)
# finds the images of the project that are shared, and writes an
# ims_image_share block and an import block for each; terraform plan then
# imports them with no change. The provider is configured in providers.tf.
list "ims_image_share" "existing" {
  provider         = ims
  include_resource = true

  config {
    # Optional filters: member_type, status, image_ids.
    image_ids = [
      "370befec-a369-475e-a224-44a45927a8fe",
      "5f0b4bd2-8a47-4c11-9b1e-6a0d3e2c7f90",
    ]
  }
}
