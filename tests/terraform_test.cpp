#include <gtest/gtest.h>

#include "helpers.hpp"

namespace infralint {
namespace {

using test::find_resource;
using test::has_edge;
using test::range;
using test::TempTree;

const Value* attr(const Graph& g, std::string_view address,
                  std::initializer_list<std::string_view> path) {
  const Resource* r = find_resource(g, address);
  if (!r) return nullptr;
  return r->attributes.at(path);
}

TEST(Terraform, BlocksBecomeResourcesWithExactLocations) {
  TempTree t;
  t.write("main.tf",
          "resource \"aws_s3_bucket\" \"logs\" {\n"
          "  bucket = \"acme-logs\"\n"
          "  versioning {\n"
          "    enabled = true\n"
          "  }\n"
          "}\n"
          "\n"
          "data \"aws_iam_policy_document\" \"p\" {\n"
          "  statement {\n"
          "    actions = [\"s3:GetObject\"]\n"
          "  }\n"
          "}\n");
  Graph g = test::load_tree(t);
  const Resource* b = find_resource(g, "aws_s3_bucket.logs");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->type, "aws_s3_bucket");
  EXPECT_EQ(b->format, "terraform");
  EXPECT_EQ(g.position(b->file, b->span.begin).line, 1u);
  EXPECT_EQ(g.position(b->file, b->span.end).line, 6u);
  EXPECT_EQ(range(g, *b->attributes.get("bucket")), "2:12-2:23");
  // A nested block written once is a map; `statement` is a list by the provider's schema.
  const Value* enabled = b->attributes.at({"versioning", "enabled"});
  ASSERT_NE(enabled, nullptr);
  EXPECT_TRUE(enabled->boolean);
  EXPECT_EQ(range(g, *enabled), "4:15-4:19");
  const Resource* d = find_resource(g, "data.aws_iam_policy_document.p");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->type, "data.aws_iam_policy_document");
  ASSERT_TRUE(d->attributes.get("statement")->is_list());
  EXPECT_EQ(d->attributes.get("statement")->items[0].get("actions")->items[0].text, "s3:GetObject");
}

TEST(Terraform, RepeatedBlocksAreLists) {
  TempTree t;
  t.write("sg.tf",
          "resource \"aws_security_group\" \"sg\" {\n"
          "  ingress {\n    from_port = 22\n  }\n"
          "  ingress {\n    from_port = 443\n  }\n"
          "  timeouts {\n    create = \"5m\"\n  }\n"
          "}\n");
  Graph g = test::load_tree(t);
  const Value* ingress = attr(g, "aws_security_group.sg", {"ingress"});
  ASSERT_TRUE(ingress && ingress->is_list());
  ASSERT_EQ(ingress->items.size(), 2u);
  EXPECT_EQ(ingress->items[1].get("from_port")->number, 443);
  EXPECT_TRUE(attr(g, "aws_security_group.sg", {"timeouts"})->is_map());
}

TEST(Terraform, SyntaxErrorIsADiagnosticAndTheRestStillParses) {
  TempTree t;
  t.write("main.tf",
          "resource \"aws_vpc\" \"a\" {\n  cidr_block = \"10.0.0.0/16\"\n}\n"
          "resource \"aws_vpc\" \"b\" {\n  cidr_block = = \n}\n");
  Graph g = test::load_tree(t);
  auto d = test::diagnostics_for(g, "main.tf");
  ASSERT_FALSE(d.empty());
  EXPECT_EQ(d[0]->severity, Severity::Error);
  EXPECT_EQ(d[0]->start.line, 5u);
  EXPECT_NE(d[0]->message.find("syntax error"), std::string::npos);
  EXPECT_EQ(attr(g, "aws_vpc.a", {"cidr_block"})->text, "10.0.0.0/16");
}

TEST(Terraform, ExponentLiteralsAreAGrammarLimitation) {
  // tree-sitter-hcl 1.2.0 does not lex "1e3": it is reported, never silently misread.
  TempTree t;
  t.write("main.tf", "locals {\n  n = 1e3\n}\n");
  Graph g = test::load_tree(t);
  ASSERT_FALSE(test::diagnostics_for(g, "main.tf").empty());
}

TEST(Terraform, VariablePrecedence) {
  TempTree t;
  t.write("variables.tf",
          "variable \"a\" {\n  default = \"default\"\n}\n"
          "variable \"b\" {\n  default = \"default\"\n}\n"
          "variable \"c\" {\n  default = \"default\"\n}\n"
          "variable \"n\" {\n  type = number\n}\n"
          "variable \"unset\" {}\n"
          "variable \"secret\" {\n  default   = \"hunter2\"\n  sensitive = true\n}\n");
  t.write("terraform.tfvars", "a = \"tfvars\"\nb = \"tfvars\"\nn = \"5\"\n");
  t.write("b.auto.tfvars", "b = \"auto-b\"\n");
  t.write("a.auto.tfvars", "b = \"auto-a\"\nc = \"auto-a\"\n");
  t.write("dev.tfvars", "c = \"dev\"\n");
  t.write("main.tf", "locals {\n  all = [var.a, var.b, var.c, var.n, var.unset]\n}\n");
  Graph g = test::load_tree(t);
  const Value* all = attr(g, "local.all", {"value"});
  ASSERT_NE(all, nullptr);
  EXPECT_EQ(all->items[0].text, "tfvars");
  EXPECT_EQ(all->items[1].text, "auto-b");  // *.auto.tfvars in lexical order: b wins over a
  EXPECT_EQ(all->items[2].text, "auto-a");  // dev.tfvars applies only with --var-file
  EXPECT_EQ(all->items[3].kind, ValueKind::Number);  // declared type converts "5"
  EXPECT_EQ(all->items[3].number, 5);
  EXPECT_TRUE(all->items[4].is_unknown());
  EXPECT_TRUE(attr(g, "var.secret", {"value"})->sensitive);

  LoadOptions opt;
  opt.terraform.var_files = {(t.root() / "dev.tfvars").string()};
  opt.terraform.vars = {{"a", "cli"}};
  g = test::load_tree(t, opt);
  all = attr(g, "local.all", {"value"});
  EXPECT_EQ(all->items[0].text, "cli");
  EXPECT_EQ(all->items[2].text, "dev");
}

TEST(Terraform, LocalsInDependencyOrderAndCycles) {
  TempTree t;
  t.write("a.tf", "locals {\n  c = \"${local.b}-c\"\n  x = local.y\n}\n");
  t.write("b.tf", "locals {\n  a = \"a\"\n  b = \"${local.a}-b\"\n  y = local.x\n}\n");
  Graph g = test::load_tree(t);
  EXPECT_EQ(attr(g, "local.c", {"value"})->text, "a-b-c");
  EXPECT_TRUE(attr(g, "local.x", {"value"})->is_unknown());
  bool cycle = false;
  for (const auto& d : g.diagnostics) {
    cycle |= d.message.find("cycle among locals") != std::string::npos &&
             d.message.find("local.x") != std::string::npos &&
             d.message.find("local.y") != std::string::npos;
  }
  EXPECT_TRUE(cycle);
}

TEST(Terraform, CountAndForEach) {
  TempTree t;
  t.write("main.tf",
          "variable \"azs\" {\n  default = [\"a\", \"b\"]\n}\n"
          "resource \"aws_subnet\" \"s\" {\n"
          "  count             = length(var.azs)\n"
          "  availability_zone = var.azs[count.index]\n"
          "  cidr_block        = cidrsubnet(\"10.0.0.0/16\", 8, count.index)\n"
          "}\n"
          "resource \"aws_s3_bucket\" \"b\" {\n"
          "  for_each = { logs = \"L\", data = \"D\" }\n"
          "  bucket   = \"${each.key}-${each.value}\"\n"
          "}\n"
          "resource \"aws_s3_bucket\" \"set\" {\n"
          "  for_each = toset([\"x\"])\n"
          "  bucket   = each.value\n"
          "}\n"
          "resource \"aws_instance\" \"off\" {\n  count = 0\n}\n"
          "resource \"aws_instance\" \"empty\" {\n  for_each = {}\n}\n");
  Graph g = test::load_tree(t);
  EXPECT_EQ(attr(g, "aws_subnet.s[1]", {"availability_zone"})->text, "b");
  EXPECT_EQ(attr(g, "aws_subnet.s[1]", {"cidr_block"})->text, "10.0.1.0/24");
  EXPECT_EQ(attr(g, "aws_s3_bucket.b[\"logs\"]", {"bucket"})->text, "logs-L");
  EXPECT_EQ(attr(g, "aws_s3_bucket.b[\"data\"]", {"bucket"})->text, "data-D");
  EXPECT_EQ(attr(g, "aws_s3_bucket.set[\"x\"]", {"bucket"})->text, "x");
  for (const auto& r : g.resources) {
    EXPECT_EQ(r.address.find("aws_instance"), std::string::npos)
        << r.address;  // count = 0, empty for_each
  }
}

TEST(Terraform, UnknownCountIsOnePlaceholder) {
  TempTree t;
  t.write("main.tf",
          "data \"aws_availability_zones\" \"az\" {}\n"
          "resource \"aws_subnet\" \"s\" {\n"
          "  count             = length(data.aws_availability_zones.az.names)\n"
          "  availability_zone = data.aws_availability_zones.az.names[count.index]\n"
          "  map_public_ip_on_launch = false\n"
          "}\n");
  Graph g = test::load_tree(t);
  const Resource* s = find_resource(g, "aws_subnet.s[*]");
  ASSERT_NE(s, nullptr);
  EXPECT_TRUE(s->attributes.get("availability_zone")->is_unknown());
  EXPECT_FALSE(
      s->attributes.get("map_public_ip_on_launch")->boolean);  // instance-independent: known
}

TEST(Terraform, InstanceCapIsADiagnostic) {
  TempTree t;
  t.write("main.tf", "resource \"null_resource\" \"many\" {\n  count = 20000\n}\n");
  LoadOptions opt;
  opt.terraform.max_instances_per_resource = 100;
  Graph g = test::load_tree(t, opt);
  size_t n = 0;
  for (const auto& r : g.resources) n += r.type == "null_resource";
  EXPECT_EQ(n, 100u);
  bool reported = false;
  for (const auto& d : g.diagnostics)
    reported |= d.message.find("exceeds the cap of 100") != std::string::npos;
  EXPECT_TRUE(reported);
}

TEST(Terraform, DynamicBlocks) {
  TempTree t;
  t.write("main.tf",
          "locals {\n  ports = [22, 443]\n}\n"
          "resource \"aws_security_group\" \"sg\" {\n"
          "  dynamic \"ingress\" {\n"
          "    for_each = local.ports\n"
          "    content {\n"
          "      from_port = ingress.value\n"
          "      to_port   = ingress.value\n"
          "    }\n"
          "  }\n"
          "  dynamic \"egress\" {\n"
          "    for_each = { all = \"0.0.0.0/0\" }\n"
          "    iterator = rule\n"
          "    content {\n"
          "      cidr_blocks = [rule.value]\n"
          "      description = rule.key\n"
          "    }\n"
          "  }\n"
          "}\n");
  Graph g = test::load_tree(t);
  const Value* ingress = attr(g, "aws_security_group.sg", {"ingress"});
  ASSERT_TRUE(ingress && ingress->is_list());
  ASSERT_EQ(ingress->items.size(), 2u);
  EXPECT_EQ(ingress->items[1].get("from_port")->number, 443);
  const Value* egress = attr(g, "aws_security_group.sg", {"egress"});
  ASSERT_EQ(egress->items.size(), 1u);
  EXPECT_EQ(egress->items[0].get("cidr_blocks")->items[0].text, "0.0.0.0/0");
  EXPECT_EQ(egress->items[0].get("description")->text, "all");
}

TEST(Terraform, ExpressionsTemplatesAndHeredocs) {
  TempTree t;
  t.write("main.tf",
          "locals {\n"
          "  env   = \"prod\"\n"
          "  name  = \"${local.env}-app\"\n"
          "  cond  = local.env == \"prod\" ? 3 : 1\n"
          "  objs  = [{ n = \"a\", p = 1 }, { n = \"b\", p = 2 }]\n"
          "  names = local.objs[*].n\n"
          "  byname = { for o in local.objs : o.n => o.p if o.p > 1 }\n"
          "  doc = <<-EOT\n"
          "    env: ${local.env}\n"
          "      nested\n"
          "    %{ if local.cond > 2 }big%{ endif }\n"
          "  EOT\n"
          "  raw = <<EOT\n"
          "literal $${x}\n"
          "EOT\n"
          "}\n");
  Graph g = test::load_tree(t);
  EXPECT_EQ(attr(g, "local.name", {"value"})->text, "prod-app");
  EXPECT_EQ(attr(g, "local.cond", {"value"})->number, 3);
  EXPECT_EQ(attr(g, "local.names", {"value"})->items[1].text, "b");
  EXPECT_EQ(attr(g, "local.byname", {"value"})->entries.size(), 1u);
  EXPECT_EQ(attr(g, "local.doc", {"value"})->text, "env: prod\n  nested\nbig\n");
  EXPECT_EQ(attr(g, "local.raw", {"value"})->text, "literal ${x}\n");
}

TEST(Terraform, ReferencesAndDependsOnAreEdges) {
  TempTree t;
  t.write("main.tf",
          "variable \"cidr\" {\n  default = \"10.0.0.0/16\"\n}\n"
          "resource \"aws_vpc\" \"main\" {\n  cidr_block = var.cidr\n}\n"
          "resource \"aws_subnet\" \"a\" {\n  vpc_id = aws_vpc.main.id\n  cidr_block = "
          "cidrsubnet(aws_vpc.main.cidr_block, 8, 0)\n}\n"
          "resource \"aws_instance\" \"i\" {\n  depends_on = [aws_subnet.a]\n}\n");
  Graph g = test::load_tree(t);
  EXPECT_TRUE(has_edge(g, "aws_subnet.a", "aws_vpc.main", "references"));
  EXPECT_TRUE(has_edge(g, "aws_vpc.main", "var.cidr", "references"));
  EXPECT_TRUE(has_edge(g, "aws_instance.i", "aws_subnet.a", "depends_on"));
  // A literal attribute of another resource resolves; a computed one (id) is unknown.
  EXPECT_EQ(attr(g, "aws_subnet.a", {"cidr_block"})->text, "10.0.0.0/24");
  EXPECT_TRUE(attr(g, "aws_subnet.a", {"vpc_id"})->is_unknown());
}

TEST(Terraform, LocalModulesWithOutputsAndInstances) {
  TempTree t;
  t.write("modules/bucket/main.tf",
          "variable \"name\" {}\n"
          "variable \"versioned\" {\n  default = true\n}\n"
          "resource \"aws_s3_bucket\" \"this\" {\n  bucket = var.name\n}\n"
          "resource \"aws_s3_bucket_versioning\" \"this\" {\n"
          "  count  = var.versioned ? 1 : 0\n"
          "  bucket = aws_s3_bucket.this.id\n"
          "}\n"
          "output \"name\" {\n  value = aws_s3_bucket.this.bucket\n}\n");
  t.write("envs/prod/main.tf",
          "module \"logs\" {\n  source = \"../../modules/bucket\"\n  name = \"logs\"\n}\n"
          "module \"many\" {\n  source   = \"../../modules/bucket\"\n  for_each = toset([\"a\", "
          "\"b\"])\n"
          "  name      = \"many-${each.key}\"\n  versioned = false\n}\n"
          "locals {\n  logs_name = module.logs.name\n}\n");
  Graph g = test::load_tree(t);
  // The module folder is called, so it is not a root of its own.
  for (const auto& r : g.resources)
    EXPECT_NE(r.address.rfind("modules/bucket:", 0), 0u) << r.address;
  EXPECT_EQ(attr(g, "envs/prod:module.logs.aws_s3_bucket.this", {"bucket"})->text, "logs");
  EXPECT_NE(find_resource(g, "envs/prod:module.logs.aws_s3_bucket_versioning.this[0]"), nullptr);
  EXPECT_EQ(attr(g, "envs/prod:module.many[\"b\"].aws_s3_bucket.this", {"bucket"})->text, "many-b");
  EXPECT_EQ(find_resource(g, "envs/prod:module.many[\"a\"].aws_s3_bucket_versioning.this[0]"),
            nullptr);
  EXPECT_EQ(attr(g, "envs/prod:local.logs_name", {"value"})->text, "logs");
  EXPECT_TRUE(
      has_edge(g, "envs/prod:module.logs", "envs/prod:module.logs.aws_s3_bucket.this", "contains"));
  // Resources of a module inside the scan root point into the module's own file.
  const Resource* b = find_resource(g, "envs/prod:module.logs.aws_s3_bucket.this");
  EXPECT_EQ(g.files[b->file].path, "modules/bucket/main.tf");
}

TEST(Terraform, RemoteModulesAreNotFetched) {
  TempTree t;
  t.write(
      "main.tf",
      "module \"vpc\" {\n  source  = \"terraform-aws-modules/vpc/aws\"\n  version = \"5.0.0\"\n}\n"
      "locals {\n  id = module.vpc.vpc_id\n}\n");
  Graph g = test::load_tree(t);
  auto d = test::diagnostics_for(g, "main.tf");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0]->severity, Severity::Info);
  EXPECT_EQ(d[0]->start.line, 1u);
  EXPECT_NE(d[0]->message.find("not fetched"), std::string::npos);
  EXPECT_TRUE(attr(g, "local.id", {"value"})->is_unknown());
}

TEST(Terraform, FetchedModulesAreReadFromDotTerraform) {
  TempTree t;
  t.write("main.tf",
          "module \"vpc\" {\n  source = \"terraform-aws-modules/vpc/aws\"\n  cidr = "
          "\"10.9.0.0/16\"\n}\n");
  t.write(".terraform/modules/modules.json",
          "{\"Modules\":[{\"Key\":\"\",\"Source\":\"\",\"Dir\":\".\"},"
          "{\"Key\":\"vpc\",\"Source\":\"registry.terraform.io/terraform-aws-modules/vpc/"
          "aws\",\"Dir\":\".terraform/modules/vpc\"}]}");
  t.write(".terraform/modules/vpc/main.tf",
          "variable \"cidr\" {}\nresource \"aws_vpc\" \"this\" {\n  cidr_block = var.cidr\n}\n");
  Graph g = test::load_tree(t);
  const Resource* vpc = find_resource(g, "module.vpc.aws_vpc.this");
  ASSERT_NE(vpc, nullptr);
  EXPECT_EQ(vpc->attributes.get("cidr_block")->text, "10.9.0.0/16");
  // Findings in a fetched module point at the module call (DECISIONS.md 14).
  EXPECT_EQ(g.files[vpc->file].path, "main.tf");
  EXPECT_EQ(g.position(vpc->file, vpc->attributes.get("cidr_block")->span.begin).line, 1u);
}

TEST(Terraform, ModuleRecursionAndDepthAreBounded) {
  TempTree t;
  t.write("a/main.tf", "module \"b\" {\n  source = \"../b\"\n}\n");
  t.write("b/main.tf", "module \"a\" {\n  source = \"../a\"\n}\n");
  t.write("root/main.tf", "module \"a\" {\n  source = \"../a\"\n}\n");
  Graph g = test::load_tree(t);
  bool recursion = false;
  for (const auto& d : g.diagnostics)
    recursion |= d.message.find("calls itself") != std::string::npos;
  EXPECT_TRUE(recursion);
}

TEST(Terraform, OverrideFilesAndTofuPrecedence) {
  TempTree t;
  t.write("main.tf",
          "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"base\"\n  acl = \"private\"\n}\n");
  t.write("main_override.tf", "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"overridden\"\n}\n");
  t.write("extra.tf", "resource \"aws_vpc\" \"v\" {\n  cidr_block = \"10.0.0.0/16\"\n}\n");
  t.write("extra.tofu", "resource \"aws_vpc\" \"v\" {\n  cidr_block = \"10.1.0.0/16\"\n}\n");
  Graph g = test::load_tree(t);
  EXPECT_EQ(attr(g, "aws_s3_bucket.b", {"bucket"})->text, "overridden");
  EXPECT_EQ(attr(g, "aws_s3_bucket.b", {"acl"})->text, "private");
  EXPECT_EQ(attr(g, "aws_vpc.v", {"cidr_block"})->text, "10.1.0.0/16");
}

TEST(Terraform, JsonSyntax) {
  TempTree t;
  t.write("main.tf.json",
          "{\n"
          "  \"variable\": {\"env\": {\"default\": \"prod\"}},\n"
          "  \"resource\": {\n"
          "    \"aws_s3_bucket\": {\n"
          "      \"b\": {\"bucket\": \"${var.env}-data\", \"tags\": {\"Team\": \"x\"}}\n"
          "    }\n"
          "  }\n"
          "}\n");
  Graph g = test::load_tree(t);
  const Resource* b = find_resource(g, "aws_s3_bucket.b");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->attributes.get("bucket")->text, "prod-data");
  EXPECT_EQ(b->attributes.at({"tags", "Team"})->text, "x");
  EXPECT_EQ(g.position(b->file, b->attributes.get("bucket")->span.begin).line, 5u);
  t.write("bad.tf.json", "{\"resource\": }");
  g = test::load_tree(t);
  ASSERT_FALSE(test::diagnostics_for(g, "bad.tf.json").empty());
}

TEST(Terraform, FilesReadOnlyUnderTheScanRoot) {
  TempTree outside;
  outside.write("secret.txt", "outside");
  TempTree t;
  t.write("policy.json", "{\"Version\": \"2012-10-17\"}");
  t.write("tpl/user_data.sh.tpl", "echo ${name}");
  t.write("main.tf",
          "locals {\n"
          "  policy = file(\"${path.module}/policy.json\")\n"
          "  script = templatefile(\"tpl/user_data.sh.tpl\", { name = \"x\" })\n"
          "  escape = file(\"../" +
              outside.root().filename().string() +
              "/secret.txt\")\n"
              "  exists = fileexists(\"policy.json\")\n"
              "}\n");
  Graph g = test::load_tree(t);
  EXPECT_EQ(attr(g, "local.policy", {"value"})->text, "{\"Version\": \"2012-10-17\"}");
  EXPECT_EQ(attr(g, "local.script", {"value"})->text, "echo x");
  EXPECT_TRUE(attr(g, "local.escape", {"value"})->is_unknown());
  EXPECT_TRUE(attr(g, "local.exists", {"value"})->boolean);
}

TEST(Terraform, SensitiveValuesStayMarked) {
  TempTree t;
  t.write("main.tf",
          "variable \"db_password\" {\n  default = \"s3cr3t\"\n  sensitive = true\n}\n"
          "resource \"aws_db_instance\" \"db\" {\n  password = var.db_password\n  note = "
          "\"pw=${var.db_password}\"\n}\n");
  Graph g = test::load_tree(t);
  EXPECT_TRUE(attr(g, "aws_db_instance.db", {"password"})->sensitive);
  EXPECT_TRUE(attr(g, "aws_db_instance.db", {"note"})->sensitive);
}

TEST(Terraform, RootModulesNotAtTheScanRootArePrefixed) {
  TempTree t;
  t.write("examples/simple/main.tf",
          "resource \"aws_s3_bucket\" \"this\" {\n  bucket = \"x\"\n}\n");
  Graph g = test::load_tree(t);
  EXPECT_NE(find_resource(g, "examples/simple:aws_s3_bucket.this"), nullptr);
}

}  // namespace
}  // namespace infralint
