# Run with the recipient's credentials:
# terraform query -generate-config-out=accepted.tf   (Terraform >= 1.14)
# finds every image shared with this project. A pending share's block says
# status = "pending": set "accepted" or "rejected" before terraform plan,
# which then shows the import and the update. The provider is configured in
# providers.tf.
list "ims_image_share_accepter" "offered" {
  provider         = ims
  include_resource = true

  config {
    # Optional: status = "pending" (or "accepted", "rejected").
  }
}
