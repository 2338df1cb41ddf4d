# An existing member, by <image_id>/<member_id> (an organization: its o-, r-
# or ou- ID, as IMS lists it):
terraform import ims_image_share_member.team_a d7c3b1a2-6e5f-4a8b-9c0d-1e2f3a4b5c6d/05041fffa40025702fcdc009d5a1b3c1
