variable "region" {
  type    = string
  default = "eu-west-1"
}

variable "environment" {
  type    = string
  default = "production"
}

variable "cluster_name" {
  type = string
}

variable "vpc_cidr" {
  type    = string
  default = "10.20.0.0/16"
}

variable "availability_zones" {
  type    = list(string)
  default = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
}

variable "allowed_cidr_blocks" {
  type    = list(string)
  default = ["10.0.0.0/8"]
}

variable "monthly_budget_limit" {
  type    = number
  default = 5000
}

variable "budget_notification_emails" {
  type    = list(string)
  default = ["platform@auterity.example"]
}

variable "openai_api_key" {
  type      = string
  sensitive = true
}
