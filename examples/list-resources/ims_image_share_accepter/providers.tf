terraform {
  required_providers {
    ims = {
      source  = "terraform-ims/ims"
      version = "~> 0.1"
    }
  }
}

# The recipient's credentials from HW_ACCESS_KEY and HW_SECRET_KEY; its project
# in the region is looked up from IAM unless project_id (HW_PROJECT_ID) is set.
provider "ims" {
  region = "cn-north-4"
}
