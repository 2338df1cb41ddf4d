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

# After: one ims_image_share_member per member. A moved block cannot turn
# one share of several members into several resources, so the share leaves
# state without a destroy, and each member is imported: no write, every
# recipient keeps its status (Terraform >= 1.7, OpenTofu >= 1.7).
removed {
  from = ims_image_share.golden
  lifecycle {
    destroy = false
  }
}

resource "ims_image_share_member" "team_a" {
  image_id   = "d7c3b1a2-6e5f-4a8b-9c0d-1e2f3a4b5c6d"
  project_id = "05041fffa40025702fcdc009d5a1b3c1"
}

import {
  to = ims_image_share_member.team_a
  id = "d7c3b1a2-6e5f-4a8b-9c0d-1e2f3a4b5c6d/05041fffa40025702fcdc009d5a1b3c1"
}

resource "ims_image_share_member" "team_b" {
  image_id   = "d7c3b1a2-6e5f-4a8b-9c0d-1e2f3a4b5c6d"
  project_id = "7d2a4c1e9b8f4a6d8e5c3b1a0f9e8d7c"
}

import {
  to = ims_image_share_member.team_b
  id = "d7c3b1a2-6e5f-4a8b-9c0d-1e2f3a4b5c6d/7d2a4c1e9b8f4a6d8e5c3b1a0f9e8d7c"
}
