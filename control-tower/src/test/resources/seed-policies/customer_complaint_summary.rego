package dspai.policy
import rego.v1

# Test fixture in the structure of the seed's policies/clients/customer_complaint_summary.rego
# (nirb28/dsp-ai-control-tower); the secret, salt and HPC values are this project's own.

# Policy status - controls whether this policy is active
policy_enabled := true


version := 1
project := "customer_complaint_summary"
# sha256("ccs-fixture-secret" + client_salt)
client_secret := "1e09f907e84cf6fe232174a28f9e0d70e9aac14fb24cdf0990820a0454f28a3d"
client_salt := "9a8b7c6d5e4f30211203948576afbecd"

default allow := false

aihpc.dev := { 
	"training_dev": {"account": "ccs_training_dev", "partition": "train_dev", "num_gpu": 2, "time": 5, 
		"cwd": "/scratch/ccs/training_dev/out", "script"="/opt/scripts/jupyter.sh"}, 
	"inference_dev": {"account": "ccs_inference_dev", "partition": "infer_dev", "num_gpu": 1, "time": 5, 
		"cwd": "/scratch/ccs/inference_dev/out", "script"="/opt/scripts/triton_dev.sh", 
		"model_name"=""}, 
} 

aihpc.prod := { 
	"training_prod": {"account": "ccs_training_prod", "partition": "train_prod", "num_gpu": 8, "time": 480, 
		"cwd": "/scratch/ccs/training_prod/out", "script"="/opt/scripts/jupyter.sh"}, 
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
	"user123": "llm_admin",
	"user456": "data_scientist",
}

group_roles := {
	"group001": "llm_admin",
	"group002": "data_scientist",
	"group003": "ml_engineer",
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
