# Adopt the sharing an image already has, by its image ID; the next plan
# shows any difference from the configuration.
terraform import ims_image_share.golden d7c3b1a2-6e5f-4a8b-9c0d-1e2f3a4b5c6d
