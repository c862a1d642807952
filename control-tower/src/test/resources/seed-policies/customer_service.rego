package dspai.policy
import rego.v1

# Test fixture in the structure of the seed's policies/clients/customer_service.rego
# (nirb28/dsp-ai-control-tower); the secret, salt and HPC values are this project's own.
version := 1
project := "customer_service"
# sha256("cs-fixture-secret" + client_salt)
client_secret := "a3a3b8c952288682077035dbe5aeb6adc3e5ad0a641a7f569a7e776ce0fddcda"

client_salt := "5f0c2a9e7d4b1c3e8a6f0d2b4c6e8a1f"

default allow := false

aihpc := {
	"training_dev": {"account": "cs_train", "partition": "gpu_small", "num_gpu": 1, },
	"training_prod": {"account": "cs_train", "partition": "gpu_small", },
	"inference_dev": {"account": "cs_infer", "partition": "gpu_small", "num_gpu": 1, },
	"inference_prod": {"account": "cs_infer", "partition": "gpu_small", },
}

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
	"business_user": ["infer"],
}

user_roles := {
	"user789": "ml_engineer",
	"user101": "business_user",
}

group_roles := {
	"group002": "data_scientist",
	"group003": "ml_engineer",
	"group004": "business_user",
}

indexOf(arr, val) := i if {
	arr[i] == val
} else := -1

# the role of a user id, else the highest role of its groups
get_user_role(user_id, group_ids) := role if {
	user_roles[user_id]
	role := user_roles[user_id]
} else := role if {
	user_groups := [group_id | group_id = group_ids[_]; group_roles[group_id]]
	count(user_groups) > 0

	group_assigned_roles := [group_roles[g] | g = user_groups[_]]

	# lowest first
	role_hierarchy := ["business_user", "ml_engineer", "data_scientist", "llm_admin"]

	highest_role_index := max([indexOf(role_hierarchy, r) | r = group_assigned_roles[_]])
	role := role_hierarchy[highest_role_index]
} else := "unauthorized"

effective_role := role if {
	input.user.role
	role := input.user.role
} else := role if {
	input.user.id
	groups := object.get(input.user, "groups", [])
	role := get_user_role(input.user.id, groups)
} else := "unauthorized"

model_allowed_for_usecase if {
	some i
	allowed_models[i] == input.resource.model_id
}

has_role if {
	role := effective_role
	roles[role]
}

action_allowed_for_role if {
	some i
	role := effective_role
	roles[role][i] == input.action
}

allow if {
	valid_input

	has_role
	action_allowed_for_role

	model_allowed_for_usecase

	action_valid
}

action_valid if {
	input.action == "read"
}

action_valid if {
	input.action == "create"
}

action_valid if {
	input.action == "update"
}

action_valid if {
	input.action == "delete"
}

action_valid if {
	input.action == "deploy"
	valid_deploy
}

action_valid if {
	input.action == "train"
	valid_train
}

action_valid if {
	input.action == "infer"
	valid_infer
}

valid_train if {}

# the seed keeps its training checks commented out here
#input.resource.training_data.approved == true

valid_infer if {}

valid_deploy if {}
