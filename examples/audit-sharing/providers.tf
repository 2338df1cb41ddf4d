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
# The policy bounds every resource of this provider too: a member outside
# it is refused at plan time. A pipeline can set HW_IMS_SHARING_POLICY as
# well; then a member must be allowed by both.
provider "ims" {
  region = "cn-north-4"

  sharing_policy {
    allowed_projects = [
      "05041fffa40025702fcdc009d5a1b3c1",
      "7d2a4c1e9b8f4a6d8e5c3b1a0f9e8d7c",
    ]
    allowed_domains = []
  }
}
