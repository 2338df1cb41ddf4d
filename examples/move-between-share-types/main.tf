terraform {
  required_providers {
    ims = {
      source  = "terraform-ims/ims"
      version = "~> 0.1"
    }
  }
}

# Credentials from HW_ACCESS_KEY and HW_SECRET_KEY; the project of the
# region is looked up from IAM unless project_id (HW_PROJECT_ID) is set.
provider "ims" {
  region = "cn-north-4"
}

# After: the same sharing as an ims_image_share_member, so that other
# configurations can add their own members beside it. The moved block
# makes it a state move, with no write: the recipient keeps its
# acceptance (Terraform >= 1.8; the reverse move works the same way).
# Without it, the plan is refused: Terraform could run the destroy of the
# old resource before or after the create of the new one, and either way
# the member would be lost.
resource "ims_image_share_member" "team_a" {
  image_id   = "d7c3b1a2-6e5f-4a8b-9c0d-1e2f3a4b5c6d"
  project_id = "05041fffa40025702fcdc009d5a1b3c1"
}

moved {
  from = ims_image_share.golden
  to   = ims_image_share_member.team_a
}
