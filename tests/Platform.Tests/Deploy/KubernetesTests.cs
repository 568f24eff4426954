using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Aspire.Hosting.ApplicationModel;
using k8s;
using k8s.Models;
using Platform.Tests.AppHost;

namespace Platform.Tests.Deploy;

/// <summary>
/// <c>deploy/kubernetes</c> rendered by <c>kubectl kustomize</c>, read strictly against the Kubernetes API types
/// (an unknown or misspelt field fails) and checked against the AppHost's published model: every project is
/// deployed with what the model gives it, secrets only from Secrets.
/// </summary>
public sealed class KubernetesTests
{
    private static readonly string Root = FindRoot();

    [Theory]
    [InlineData("base")]
    [InlineData("overlays/example")]
    public void The_manifests_render_and_every_object_is_a_valid_kubernetes_object_with_no_secret_in_the_repo(string directory)
    {
        var objects = Render(directory);

        Assert.Contains(objects, o => o is V1Deployment);
        Assert.DoesNotContain(objects, o => o is V1Secret);
        Assert.All(objects, o => Assert.IsAssignableFrom<IKubernetesObject<V1ObjectMeta>>(o));
        Assert.All(objects.OfType<IKubernetesObject<V1ObjectMeta>>(), o => Assert.Equal("platform", o.Metadata.Labels["app.kubernetes.io/part-of"]));
    }

    [Fact]
    public async Task Every_project_of_the_published_model_is_a_deployment_with_probes_ports_a_service_an_autoscaler_and_a_disruption_budget()
    {
        var objects = Render("overlays/example");
        await using var model = await AppHostModel.PublishedAsync();

        var projects = model.Resources.OfType<ProjectResource>().Select(p => p.Name).ToList();
        Assert.Equal(["gateway", "identity", "pool", "promo", "users"], projects.Order());
        foreach (var project in projects)
        {
            var deployment = Single<V1Deployment>(objects, project);
            var pod = deployment.Spec.Template.Spec;
            var container = Assert.Single(pod.Containers);
            Assert.Equal($"registry.example.test/platform/{project}:1.0.0", container.Image);
            Assert.Equal("/health", container.ReadinessProbe.HttpGet.Path);
            Assert.Equal("/alive", container.LivenessProbe.HttpGet.Path);
            Assert.True(pod.SecurityContext.RunAsNonRoot);
            Assert.False(container.SecurityContext.AllowPrivilegeEscalation);

            var bindings = model.Resource(project).Annotations.OfType<EndpointAnnotation>().Select(e => e.Name).Order().ToList();
            Assert.Equal(bindings, container.Ports.Select(p => p.Name).Order());
            var service = Single<V1Service>(objects, project);
            Assert.Equal(bindings, service.Spec.Ports.Select(p => p.TargetPort.Value).Order());
            Assert.Equal(deployment.Spec.Selector.MatchLabels, service.Spec.Selector);

            var autoscaler = Single<V2HorizontalPodAutoscaler>(objects, project);
            Assert.Equal(("Deployment", project), (autoscaler.Spec.ScaleTargetRef.Kind, autoscaler.Spec.ScaleTargetRef.Name));
            Assert.True(autoscaler.Spec.MinReplicas >= 2, "at least two instances, so one may be lost");
            var budget = Single<V1PodDisruptionBudget>(objects, project);
            Assert.Equal(deployment.Spec.Selector.MatchLabels, budget.Spec.Selector.MatchLabels);
            Assert.All(deployment.Spec.Selector.MatchLabels, label => Assert.Equal(label.Value, deployment.Spec.Template.Metadata.Labels[label.Key]));
        }
    }

    [Fact]
    public void Each_service_is_migrated_by_one_job_and_its_instances_leave_the_schema_alone()
    {
        var objects = Render("overlays/example");
        foreach (var service in new[] { "identity", "users", "pool", "promo" })
        {
            var deployment = Assert.Single(Single<V1Deployment>(objects, service).Spec.Template.Spec.Containers);
            var job = Assert.Single(Single<V1Job>(objects, $"{service}-migrate").Spec.Template.Spec.Containers);
            Assert.Equal("Off", deployment.Env.Single(e => e.Name == "Migrations__Mode").Value);
            Assert.Equal("Only", job.Env.Single(e => e.Name == "Migrations__Mode").Value);
            Assert.Equal(deployment.Image, job.Image);
            Assert.Equal(Sources(deployment), Sources(job));
        }
        Assert.DoesNotContain(objects.OfType<V1Deployment>().Single(d => d.Metadata.Name == "gateway").Spec.Template.Spec.Containers[0].Env, e => e.Name == "Migrations__Mode");
    }

    [Fact]
    public async Task Every_setting_the_model_gives_a_project_is_supplied_and_every_secret_one_comes_from_a_secret()
    {
        var objects = Render("overlays/example");
        var secrets = CreateSecrets().ToDictionary(s => s.Metadata.Name);
        var config = objects.OfType<V1ConfigMap>().Single(c => c.Metadata.Name == "platform");
        await using var model = await AppHostModel.PublishedAsync();
        var references = model.Resources.Select(r => r.Name.ToUpperInvariant().Replace('-', '_') + "_").ToList();

        foreach (var project in model.Resources.OfType<ProjectResource>().Select(p => p.Name))
        {
            var container = Single<V1Deployment>(objects, project).Spec.Template.Spec.Containers[0];
            var fromSecrets = container.EnvFrom.Where(s => s.SecretRef is not null)
                .SelectMany(s => Assert.Contains(s.SecretRef.Name, secrets).Data.Keys).ToHashSet();
            var plain = container.EnvFrom.Where(s => s.ConfigMapRef is not null).SelectMany(_ => config.Data.Keys)
                .Concat(container.Env.Select(e => e.Name)).ToHashSet();

            foreach (var (name, value) in await model.EnvironmentAsync(project))
            {
                // Aspire's per-reference variables (IDENTITYDB_HOST, MESSAGING_URI): the services read the connection strings.
                if (references.Any(r => name.StartsWith(r, StringComparison.Ordinal))) continue;
                var secret = value.Contains(".value}", StringComparison.Ordinal) || value.Contains(".connectionString}", StringComparison.Ordinal);
                if (secret)
                {
                    Assert.True(fromSecrets.Contains(name), $"{project}: {name} must come from a Secret");
                    Assert.DoesNotContain(name, plain);
                }
                else if (name.Contains("__", StringComparison.Ordinal) || name.StartsWith("ASPNETCORE_", StringComparison.Ordinal))
                {
                    Assert.True(plain.Contains(name), $"{project}: {name} is not set");
                }
            }
        }
    }

    [Fact]
    public void The_secrets_script_creates_every_secret_the_manifests_name_with_a_matching_key_pair()
    {
        var named = Render("overlays/example").OfType<V1Deployment>().Cast<object>().Concat(Render("overlays/example").OfType<V1Job>())
            .SelectMany(o => (o is V1Deployment d ? d.Spec.Template.Spec : ((V1Job)o).Spec.Template.Spec).Containers)
            .SelectMany(c => c.EnvFrom).Where(s => s.SecretRef is not null).Select(s => s.SecretRef.Name).ToHashSet();
        var secrets = CreateSecrets().ToDictionary(s => s.Metadata.Name, s => s.Data.ToDictionary(d => d.Key, d => Encoding.UTF8.GetString(d.Value)));
        Assert.Equal(named.Order(), secrets.Keys.Order());

        using var signing = ECDsa.Create();
        signing.ImportPkcs8PrivateKey(Convert.FromBase64String(secrets["gateway"]["InternalAuth__SigningKey"]), out _);
        using var verifying = ECDsa.Create();
        verifying.ImportSubjectPublicKeyInfo(Convert.FromBase64String(secrets["internal-jwt-public-key"]["InternalAuth__PublicKey"]), out _);
        var data = "header.payload"u8.ToArray();
        Assert.True(verifying.VerifyData(data, signing.SignData(data, HashAlgorithmName.SHA256), HashAlgorithmName.SHA256));

        var encryptionKeys = new[] { "identity", "users", "pool", "promo" }.Select(s => secrets[s]["DataProtection__KeyEncryptionKey"]).ToList();
        Assert.All(encryptionKeys, key => Assert.Equal(32, Convert.FromBase64String(key).Length));
        Assert.Equal(encryptionKeys.Count, encryptionKeys.Distinct().Count());
        Assert.Equal("Host=db;Database=identitydb;Username=identitydb;Password=p1", secrets["identity"]["ConnectionStrings__identitydb"]);
    }

    [Fact]
    public void The_ingress_sends_everything_to_the_gateway_and_only_the_gateway_reaches_the_services()
    {
        var objects = Render("overlays/example");
        var ingress = Assert.Single(objects.OfType<V1Ingress>());
        var path = Assert.Single(Assert.Single(ingress.Spec.Rules).Http.Paths);
        Assert.Equal(("/", "gateway", "http"), (path.Path, path.Backend.Service.Name, path.Backend.Service.Port.Name));
        Assert.Equal("10.244.0.0/16", Single<V1Deployment>(objects, "gateway").Spec.Template.Spec.Containers[0].Env.Single(e => e.Name == "ForwardedHeaders__KnownNetworks__0").Value);

        var policy = Assert.Single(objects.OfType<V1NetworkPolicy>());
        Assert.Equal(["identity", "pool", "promo", "users"], policy.Spec.PodSelector.MatchExpressions.Single().Values.Order());
        var from = Assert.Single(Assert.Single(policy.Spec.Ingress).FromProperty);
        Assert.Equal("gateway", from.PodSelector.MatchLabels["app.kubernetes.io/name"]);
    }

    private static T Single<T>(IEnumerable<object> objects, string name) where T : IKubernetesObject<V1ObjectMeta> =>
        Assert.Single(objects.OfType<T>(), o => o.Metadata.Name == name);

    private static List<string> Sources(V1Container container) =>
        [.. container.EnvFrom.Select(s => s.SecretRef?.Name ?? $"configmap/{s.ConfigMapRef.Name}")];

    /// <summary>Strict: a field the Kubernetes API does not have fails the read.</summary>
    private static List<object> Render(string directory) =>
        KubernetesYaml.LoadAllFromString(Run("kubectl", ["kustomize", Path.Combine(Root, "deploy/kubernetes", directory)], []), strict: true);

    private static List<V1Secret> CreateSecrets() =>
        [.. KubernetesYaml.LoadAllFromString(Run(Path.Combine(Root, "deploy/kubernetes/create-secrets.sh"), ["--dry-run"], new()
        {
            ["IDENTITY_DB"] = "Host=db;Database=identitydb;Username=identitydb;Password=p1",
            ["USERS_DB"] = "Host=db;Database=usersdb;Username=usersdb;Password=p2",
            ["POOL_DB"] = "Host=db;Database=pooldb;Username=pooldb;Password=p3",
            ["PROMO_DB"] = "Host=db;Database=promodb;Username=promodb;Password=p4",
            ["MESSAGING"] = "amqp://platform:p5@mq:5672",
            ["CACHE"] = "redis:6379,password=p6",
        }), strict: true).Cast<V1Secret>()];

    private static string Run(string file, string[] args, Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (name, value) in environment) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', args)} failed: {errors}");
        return output.Result;
    }

    private static string FindRoot()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "aspire.sln"))) root = Path.GetDirectoryName(root.TrimEnd('/'))!;
        return root;
    }
}
