package dspai.policy

import rego.v1

# Test fixture in the structure of an earlier customer_service.rego of the seed
# (nirb28/dsp-ai-control-tower): one allow rule per kind of action, real train, infer and
# deploy checks, and the role only from input.user.role. The secret and salt are this project's own.
# sha256("v1-fixture-secret" + client_salt)
client_secret := "f91d194fcfd5563fc57fefdfeef3f7f5d07c747df0653a808c7ba7fa677a1c2b"
client_salt := "00ff11ee22dd33cc44bb55aa66997788"

version = 1

default allow := false

valid_input if {
    input.user
    input.action
    input.resource
    input.usecase == "customer_service"
    input.resource.type == "llm_model"
}

allowed_models := ["gpt-4", "claude-2", "llama-2-70b"]

roles := {
    "llm_admin": ["create", "read", "update", "delete", "deploy", "train", "infer"],
    "data_scientist": ["read", "train", "infer"],
    "ml_engineer": ["read", "deploy", "infer"],
    "business_user": ["infer"]
}

model_allowed_for_usecase if {
    some i
    allowed_models[i] == input.resource.model_id
}

has_role if {
    some role
    role == input.user.role
    roles[role]
}

action_allowed_for_role if {
    some i
    roles[input.user.role][i] == input.action
}

allow if {
    valid_input
    has_role
    action_allowed_for_role
    model_allowed_for_usecase
    basic_action
}

basic_action if {
    input.action == "read"
}

basic_action if {
    input.action == "create"
}

basic_action if {
    input.action == "update"
}

basic_action if {
    input.action == "delete"
}

allow if {
    valid_input
    has_role
    action_allowed_for_role
    model_allowed_for_usecase
    input.action == "train"
    valid_train
}

allow if {
    valid_input
    has_role
    action_allowed_for_role
    model_allowed_for_usecase
    input.action == "deploy"
    valid_deploy
}

allow if {
    valid_input
    has_role
    action_allowed_for_role
    model_allowed_for_usecase
    input.action == "infer"
    valid_infer
}

valid_train if {
    input.resource.training_data.approved == true
    input.resource.risk_assessment.completed == true
    input.resource.risk_assessment.approved == true
    input.resource.mrm_review.completed == true
    input.resource.mrm_review.approved == true
}

valid_infer if {
    input.resource.status == "approved"
    input.resource.monitoring.active == true
}

valid_deploy if {
    input.resource.approvals.security == true
    input.resource.approvals.compliance == true
    input.resource.approvals.mrm == true
    input.resource.deployment_plan.exists == true
    input.resource.deployment_plan.approved == true
}
