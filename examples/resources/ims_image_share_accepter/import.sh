# Adopt the recipient's current status of a shared image, by its image ID.
terraform import ims_image_share_accepter.offered e8d4c2b3-7f60-4b9c-8d1e-2f3a4b5c6d7e
