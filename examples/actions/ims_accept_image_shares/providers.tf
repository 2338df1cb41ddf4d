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
