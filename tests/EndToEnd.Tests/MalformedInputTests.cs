using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EndToEnd.Tests;

/// <summary>
/// No input gets a 5xx: every operation of every service's OpenAPI document, sent malformed through the gateway
/// (wrong types, out-of-range and huge numbers, very long strings, missing and extra fields, invalid enums, dates and
/// ids, broken JSON) by administrators, so that validation is reached rather than stopped by a 401 or 403. Every
/// refusal must be a ProblemDetails with a stable <c>code</c>. Real resources (a group, a mother, a product, an
/// order...) are created first, so paths name things that exist and bodies reach the checks behind the lookups.
/// The walk changes what administrators may change (bans, limits, statuses), so it runs on a platform of its own.
/// </summary>
[Collection(MalformedInputCollection.Name)]
public sealed class MalformedInputTests(PlatformFixture platform)
{
    private static readonly string[] Services = ["identity", "users", "pool", "promo"];

    /// <summary>Operations that end the caller's own credential: sent, they would sign the walker out.</summary>
    private static readonly HashSet<(string Method, string Path)> EndsOwnCredential =
    [
        ("POST", "/api/identity/sign-out"),
        ("DELETE", "/api/identity/sessions/current"),
    ];

    /// <summary>A string that names nothing: a search for it matches no user, so no bulk change can reach the walkers.</summary>
    private const string SampleText = "zq-sample";

    private HttpClient Gateway => platform.AppHost.Gateway;

    [Theory]
    [InlineData("/api/promo/products?page=10737420&pageSize=200", "invalid_page")]
    [InlineData("/api/users?page=2147483647&pageSize=200", "invalid_page")]
    [InlineData("/api/pool/relay/usage/mine?to=0001-01-01T00:00:00Z", "invalid_to")]
    [InlineData("/api/pool/relay/usage?to=9999-12-31T23:59:59%2B14:00", "invalid_to")]
    public async Task Reported_inputs_that_got_a_500_are_a_400_naming_the_field(string path, string code)
    {
        using var response = await Gateway.SendAsync(Authorized(HttpMethod.Get, path, await platform.AdminTokenAsync()));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(code, problem.RootElement.GetProperty("code").GetString());
    }

    [Fact]
    public async Task No_malformed_request_to_any_operation_gets_a_5xx_and_every_refusal_is_a_problem_with_a_code()
    {
        var admin = await platform.AdminTokenAsync();
        var walkers = new List<Walker>();
        for (var i = 0; i < 4; i++)
        {
            walkers.Add(await Walker.StartAsync(Gateway, admin, $"walker{i}-{Guid.NewGuid():N}"[..20] + "@example.test", i));
        }
        var ids = await SeedAsync(admin);

        var probes = new List<Probe>();
        foreach (var service in Services)
        {
            using var document = JsonDocument.Parse(await Gateway.GetStringAsync($"/api/{service}/openapi/v1.json"));
            probes.AddRange(new OperationWalker(document.RootElement.Clone(), service, ids).Probes());
        }
        Assert.True(probes.Count > 1000, $"only {probes.Count} probes: the OpenAPI documents were not walked");
        // Deletions last, so the resources they remove are there for everything else.
        var ordered = probes.OrderBy(p => p.Method == "DELETE").ToList();

        var failures = new ConcurrentQueue<string>();
        var next = -1;
        await Task.WhenAll(walkers.Select(walker => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref next); i < ordered.Count; i = Interlocked.Increment(ref next))
            {
                if (await walker.SendAsync(ordered[i]) is { } failure)
                {
                    failures.Enqueue(failure);
                }
            }
        })));
        foreach (var walker in walkers)
        {
            walker.Dispose();
        }

        Assert.True(failures.IsEmpty, $"{failures.Count} of {ordered.Count} malformed requests were answered wrongly:\n"
            + string.Join("\n", failures.Take(40)));
    }

    /// <summary>One resource of each kind, so that operations on existing things are walked past their lookups.</summary>
    private async Task<Dictionary<string, string>> SeedAsync(string admin)
    {
        var ids = new Dictionary<string, string>();
        var group = await PostAsync(admin, "pool", "/api/pool/pool-groups", new { name = $"walk-{Guid.NewGuid():N}"[..20] });
        ids["pool-groups"] = group.GetProperty("id").GetString()!;
        var mother = await PostAsync(admin, "pool", "/api/pool/mothers",
            new { name = "walked", email = $"walked-{Guid.NewGuid():N}@example.test", groupId = ids["pool-groups"], accessToken = $"tok-{Guid.NewGuid():N}" });
        ids["mothers"] = mother.GetProperty("id").GetString()!;
        var sync = await PostAsync(admin, "pool", $"/api/pool/pool-groups/{ids["pool-groups"]}/sync", new { });
        ids["pool:jobs"] = sync.GetProperty("jobIds")[0].GetString()!;
        var codes = await PostAsync(admin, "users", "/api/users/redeem-codes", new { count = 1, poolGroupId = ids["pool-groups"], seatDays = 30 });
        ids["batches"] = codes.GetProperty("batchId").GetString()!;
        var product = await PostAsync(admin, "promo", "/api/promo/products", new
        {
            name = "walked",
            description = "walked",
            active = true,
            skus = new[] { new { code = $"w-{Guid.NewGuid():N}"[..16], name = "walked", price = 10m, stock = 100, active = true, helpersRequired = 0 } },
        });
        ids["products"] = product.GetProperty("id").GetString()!;
        ids["skus"] = product.GetProperty("skus")[0].GetProperty("id").GetString()!;
        var window = new { startAt = DateTimeOffset.UtcNow.AddDays(-1), endAt = DateTimeOffset.UtcNow.AddDays(30) };
        var campaign = await PostAsync(admin, "promo", "/api/promo/campaigns",
            new { name = "walked", joinType = "manual", status = "active", window.startAt, window.endAt, discountType = "fixed", value = 1m });
        ids["campaigns"] = campaign.GetProperty("campaignBid").GetString()!;
        var coupon = await PostAsync(admin, "promo", "/api/promo/coupons", new
        {
            name = "walked",
            code = $"W{Guid.NewGuid():N}"[..12],
            discountType = "fixed",
            usageType = "shared_code",
            value = 1m,
            window.startAt,
            window.endAt,
            totalCount = 10,
            status = "active",
        });
        ids["coupons"] = coupon.GetProperty("couponBid").GetString()!;
        using var order = new HttpRequestMessage(HttpMethod.Post, "/api/promo/orders")
        {
            Content = PlatformFixture.Json(new { skuId = ids["skus"], quantity = 1, shipping = new { name = "walked", phone = "+15550100", address = "1 Walk Street" } }),
        };
        order.Headers.Authorization = new("Bearer", admin);
        order.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        using (var placed = await Gateway.SendAsync(order))
        {
            Assert.True(placed.IsSuccessStatusCode, $"order: {(int)placed.StatusCode} {await placed.Content.ReadAsStringAsync()}");
            ids["orders"] = JsonDocument.Parse(await placed.Content.ReadAsStringAsync()).RootElement.GetProperty("orderBid").GetString()!;
        }
        var key = await PostAsync(admin, "identity", "/api/identity/api-keys", new { name = "walked" });
        ids["api-keys"] = key.GetProperty("apiKey").GetProperty("id").GetString()!;
        // Users that operations on /users/{id} may change freely: never one of the walkers.
        var target = await PlatformFixture.SignInAsync(Gateway, $"target-{Guid.NewGuid():N}@example.test");
        using (var me = await Gateway.SendAsync(Authorized(HttpMethod.Get, "/api/identity/me", target)))
        {
            ids["users"] = JsonDocument.Parse(await me.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
        }
        using (var list = await Gateway.SendAsync(Authorized(HttpMethod.Get, $"/api/users/redeem-codes?batchId={ids["batches"]}", admin)))
        {
            ids["redeem-codes"] = JsonDocument.Parse(await list.Content.ReadAsStringAsync()).RootElement.GetProperty("items")[0].GetProperty("id").GetString()!;
        }
        return ids;
    }

    private async Task<JsonElement> PostAsync(string token, string domain, string path, object body)
    {
        using var request = Authorized(HttpMethod.Post, path, token);
        request.Headers.Add("X-Domain", domain);
        request.Content = PlatformFixture.Json(body);
        using var response = await Gateway.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static HttpRequestMessage Authorized(HttpMethod method, string path, string token)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new("Bearer", token);
        return request;
    }

    /// <summary>One request to send: where, and with what body (raw text, already malformed or not).</summary>
    private sealed record Probe(string Service, string Method, string Path, string? Body, string? ContentType = "application/json", (string Name, string Value)? Header = null)
    {
        public override string ToString() => $"{Method} {Path[..Math.Min(Path.Length, 200)]}" + (Body is null ? "" : $" {Body[..Math.Min(Body.Length, 200)]}");
    }

    /// <summary>
    /// An administrator of its own (its own rate-limit bucket) on a loopback address of its own (its own address
    /// bucket), so several walk at once without being slowed to one caller's limit.
    /// </summary>
    private sealed class Walker(HttpClient client, string token) : IDisposable
    {
        public static async Task<Walker> StartAsync(HttpClient gateway, string admin, string email, int index)
        {
            var token = await PlatformFixture.SignInAsync(gateway, email);
            var me = Authorized(HttpMethod.Get, "/api/identity/me", token);
            using var answer = await gateway.SendAsync(me);
            var id = JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString();
            using (var grant = await gateway.SendAsync(Authorized(HttpMethod.Put, $"/api/identity/admin/users/{id}/roles/admin", admin)))
            {
                Assert.True(grant.IsSuccessStatusCode, $"granting admin: {(int)grant.StatusCode}");
            }
            var client = LoopbackClient.Create(gateway.BaseAddress!, new IPAddress([127, 0, 3, (byte)(index + 1)]));
            client.Timeout = TimeSpan.FromSeconds(30);
            // The role reaches the gateway's cached caller on the roles-changed event; wait until it acts as admin.
            Assert.True(await Eventually.TrueAsync(async () =>
            {
                using var probe = await client.SendAsync(Authorized(HttpMethod.Get, "/api/identity/admin/permissions", token));
                return probe.StatusCode == HttpStatusCode.OK;
            }, TimeSpan.FromSeconds(40), TimeSpan.FromMilliseconds(200)), $"{email} did not become an administrator");
            return new Walker(client, token);
        }

        /// <summary>Null when the answer is acceptable: below 500, and a ProblemDetails with a code when a refusal.</summary>
        public async Task<string?> SendAsync(Probe probe)
        {
            var dropped = false;
            for (var attempt = 0; ; attempt++)
            {
                using var request = Authorized(new HttpMethod(probe.Method), probe.Path, token);
                request.Headers.Add("X-Domain", probe.Service);
                if (probe.Header is { } header)
                {
                    request.Headers.TryAddWithoutValidation(header.Name, header.Value);
                }
                if (probe.Body is not null)
                {
                    request.Content = new StringContent(probe.Body, Encoding.UTF8);
                    request.Content.Headers.ContentType = probe.ContentType is null ? null : MediaTypeHeaderValue.Parse(probe.ContentType);
                }
                HttpResponseMessage sent;
                try
                {
                    sent = await client.SendAsync(request);
                }
                catch (HttpRequestException) when (!dropped)
                {
                    dropped = true;
                    // The gateway may drop a kept-alive connection after an answer to an earlier request whose body the
                    // service refused before reading all of it (Kestrel's drain meeting YARP's body copy still
                    // reading: dotnet/yarp#2655, dotnet/aspnetcore#17840). The answer itself was right; a client
                    // retries on a new connection, and so does this. A second failure is a failure.
                    continue;
                }
                using var response = sent;
                var status = (int)response.StatusCode;
                // Limits are the gateway's, not the input's: wait as told and send it again.
                if (status == 429 && attempt < 30 && response.Headers.RetryAfter?.Delta is { } wait)
                {
                    await Task.Delay(wait);
                    continue;
                }
                var text = await response.Content.ReadAsStringAsync();
                if (status >= 500)
                {
                    return $"{status} for {probe}: {text[..Math.Min(text.Length, 300)]}";
                }
                if (status >= 400 && !IsProblemWithCode(response, text))
                {
                    return $"{status} without a ProblemDetails code for {probe}: {text[..Math.Min(text.Length, 300)]}";
                }
                return null;
            }
        }

        private static bool IsProblemWithCode(HttpResponseMessage response, string text)
        {
            if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
            {
                return false;
            }
            try
            {
                using var problem = JsonDocument.Parse(text);
                return problem.RootElement.TryGetProperty("code", out var code) && code.GetString() is { Length: > 0 };
            }
            catch (JsonException)
            {
                return false;
            }
        }

        public void Dispose() => client.Dispose();
    }

    /// <summary>Turns one OpenAPI document into malformed requests, operation by operation.</summary>
    private sealed class OperationWalker(JsonElement document, string service, Dictionary<string, string> ids)
    {
        private static readonly string LongText = new('a', 100_000);

        public IEnumerable<Probe> Probes()
        {
            foreach (var path in document.GetProperty("paths").EnumerateObject())
            {
                foreach (var operation in path.Value.EnumerateObject())
                {
                    var method = operation.Name.ToUpperInvariant();
                    if (!EndsOwnCredential.Contains((method, path.Name)))
                    {
                        foreach (var probe in Probes(method, path.Name, operation.Value))
                        {
                            yield return probe;
                        }
                    }
                }
            }
        }

        private IEnumerable<Probe> Probes(string method, string template, JsonElement operation)
        {
            var parameters = operation.TryGetProperty("parameters", out var p) ? p.EnumerateArray().ToList() : [];
            var bodySchema = operation.TryGetProperty("requestBody", out var requestBody)
                && requestBody.GetProperty("content").TryGetProperty("application/json", out var json) ? json.GetProperty("schema") : (JsonElement?)null;
            var body = bodySchema is { } bodyRoot ? Sample(bodyRoot, 0)?.ToJsonString() : null;
            string Path(string? name = null, string? value = null, string? query = null)
            {
                var filledPath = template;
                foreach (var parameter in parameters.Where(x => x.GetProperty("in").GetString() == "path"))
                {
                    var parameterName = parameter.GetProperty("name").GetString()!;
                    var filled = parameterName == name ? value! : Existing(template, parameterName) ?? Sample(parameter.GetProperty("schema"), 0)?.ToString() ?? SampleText;
                    filledPath = filledPath.Replace("{" + parameterName + "}", Uri.EscapeDataString(filled), StringComparison.Ordinal);
                }
                return query is null ? filledPath : $"{filledPath}?{query}";
            }
            Probe With(string to, string? withBody = null) => new(service, method, to, withBody ?? body);

            foreach (var parameter in parameters)
            {
                var name = parameter.GetProperty("name").GetString()!;
                var schema = parameter.TryGetProperty("schema", out var s) ? s : default;
                switch (parameter.GetProperty("in").GetString())
                {
                    case "path":
                        foreach (var value in new[] { "not-an-id", "99999999999999999999", "-1", "0", new string('a', 3000), "%00" })
                        {
                            yield return With(Path(name, value));
                        }
                        break;
                    case "query":
                        foreach (var value in BadQueryValues(schema))
                        {
                            yield return With(Path(query: $"{Uri.EscapeDataString(name)}={Uri.EscapeDataString(value)}"));
                        }
                        break;
                    case "header":
                        yield return new Probe(service, method, Path(), body, Header: (name, new string('k', 5000)));
                        break;
                }
            }
            if (parameters.Any(x => x.GetProperty("name").GetString()!.Equals("page", StringComparison.OrdinalIgnoreCase)))
            {
                foreach (var (page, size) in new[] { ("10737420", "200"), ("2147483647", "200"), ("2147483647", "1"), ("1", "0") })
                {
                    yield return With(Path(query: $"page={page}&pageSize={size}"));
                }
            }
            if (bodySchema is not { } root)
            {
                yield break;
            }
            var path = Path();
            foreach (var raw in new[] { "{", "[]", "123", "null", "\"text\"", "{\"a\":", "{}", "\u0000", "[" + string.Join(',', Enumerable.Repeat("{}", 10_000)) + "]" })
            {
                yield return With(path, raw);
            }
            yield return new Probe(service, method, path, body, "text/plain");
            yield return new Probe(service, method, path, body, ContentType: null);
            yield return With(path);
            if (Sample(root, 0) is not JsonObject sample)
            {
                yield break;
            }
            yield return With(path, WithProperty(sample, "unexpected", JsonValue.Create(1)));
            foreach (var (name, propertySchema) in Properties(root))
            {
                foreach (var bad in BadValues(propertySchema))
                {
                    yield return With(path, WithProperty(sample, name, bad));
                }
                var inner = Resolve(propertySchema);
                if (sample[name] is JsonObject nested)
                {
                    foreach (var (innerName, innerSchema) in Properties(inner))
                    {
                        foreach (var bad in BadValues(innerSchema))
                        {
                            yield return With(path, WithProperty(sample, name, JsonNode.Parse(WithProperty(nested, innerName, bad))));
                        }
                    }
                }
                if (sample[name] is JsonArray { Count: > 0 } array && array[0] is JsonObject item && inner.TryGetProperty("items", out var items))
                {
                    foreach (var (innerName, innerSchema) in Properties(Resolve(items)))
                    {
                        foreach (var bad in BadValues(innerSchema))
                        {
                            yield return With(path, WithProperty(sample, name, new JsonArray(JsonNode.Parse(WithProperty(item, innerName, bad)))));
                        }
                    }
                }
            }
        }

        /// <summary>The seeded resource a path parameter names: by the collection before it (<c>/mothers/{id}</c>).</summary>
        private string? Existing(string template, string parameter)
        {
            var before = template[..template.IndexOf("{" + parameter + "}", StringComparison.Ordinal)].TrimEnd('/');
            var collection = before[(before.LastIndexOf('/') + 1)..];
            return ids.GetValueOrDefault($"{service}:{collection}") ?? ids.GetValueOrDefault(collection);
        }

        private static string WithProperty(JsonObject sample, string name, JsonNode? value)
        {
            var copy = (JsonObject)sample.DeepClone();
            copy[name] = value?.DeepClone();
            return copy.ToJsonString();
        }

        private IEnumerable<(string Name, JsonElement Schema)> Properties(JsonElement schema) =>
            Resolve(schema).TryGetProperty("properties", out var properties)
                ? properties.EnumerateObject().Select(p => (p.Name, p.Value)).ToList()
                : [];

        private JsonElement Resolve(JsonElement schema)
        {
            for (var depth = 0; depth < 10; depth++)
            {
                if (schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("$ref", out var reference))
                {
                    schema = document.GetProperty("components").GetProperty("schemas").GetProperty(reference.GetString()!.Split('/')[^1]);
                }
                else if (schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("oneOf", out var oneOf))
                {
                    schema = oneOf.EnumerateArray().FirstOrDefault(o => !(o.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String && t.GetString() == "null"));
                }
                else
                {
                    break;
                }
            }
            return schema;
        }

        private static HashSet<string> Types(JsonElement schema) =>
            schema.ValueKind != JsonValueKind.Object || !schema.TryGetProperty("type", out var type) ? []
            : type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString()!).Where(t => t != "null").ToHashSet()
            : [type.GetString()!];

        private static string? Format(JsonElement schema) =>
            schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("format", out var format) ? format.GetString() : null;

        /// <summary>A plausible value of the schema, to change one part of at a time.</summary>
        private JsonNode? Sample(JsonElement schema, int depth)
        {
            schema = Resolve(schema);
            if (schema.ValueKind != JsonValueKind.Object)
            {
                return JsonValue.Create(SampleText);
            }
            if (schema.TryGetProperty("enum", out var values))
            {
                return JsonNode.Parse(values.EnumerateArray().First(v => v.ValueKind != JsonValueKind.Null).GetRawText());
            }
            var types = Types(schema);
            if (types.Contains("object") || schema.TryGetProperty("properties", out _))
            {
                var sample = new JsonObject();
                if (depth < 3)
                {
                    foreach (var (name, property) in Properties(schema))
                    {
                        sample[name] = Sample(property, depth + 1);
                    }
                }
                return sample;
            }
            if (types.Contains("array"))
            {
                return depth < 3 && schema.TryGetProperty("items", out var items) ? new JsonArray(Sample(items, depth + 1)) : new JsonArray();
            }
            if (types.Contains("integer")) return JsonValue.Create(1);
            if (types.Contains("number")) return JsonValue.Create(1.5m);
            if (types.Contains("boolean")) return JsonValue.Create(true);
            return Format(schema) switch
            {
                "uuid" => JsonValue.Create(Guid.NewGuid()),
                "date-time" => JsonValue.Create("2030-01-01T00:00:00Z"),
                _ => JsonValue.Create(SampleText),
            };
        }

        private IEnumerable<JsonNode?> BadValues(JsonElement schema)
        {
            schema = Resolve(schema);
            var types = Types(schema);
            yield return null;
            yield return new JsonObject { ["nested"] = 1 };
            yield return new JsonArray(1, 2);
            if (types.Contains("integer") || types.Contains("number"))
            {
                foreach (var number in new[] { "\"abc\"", "1e300", "99999999999999999999999", "-1", "2147483648", "-2147483649", "0", "1.5" })
                {
                    yield return JsonNode.Parse(number);
                }
            }
            else if (types.Contains("boolean"))
            {
                yield return JsonValue.Create("maybe");
                yield return JsonValue.Create(2);
            }
            else if (types.Contains("array"))
            {
                yield return JsonValue.Create(SampleText);
                yield return new JsonArray((JsonNode?)null);
                yield return new JsonArray(JsonValue.Create(LongText));
                yield return JsonNode.Parse("[" + string.Join(',', Enumerable.Range(0, 20_000)) + "]");
            }
            else if (!types.Contains("object") && !schema.TryGetProperty("properties", out _))
            {
                yield return JsonValue.Create(12345);
                yield return JsonValue.Create(true);
                yield return JsonValue.Create(LongText);
                yield return JsonValue.Create("nope");
                yield return JsonValue.Create("");
                switch (Format(schema))
                {
                    case "date-time":
                        foreach (var date in new[] { "not-a-date", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "9999-12-31T23:59:59+14:00", "2024-13-45T00:00:00Z" })
                        {
                            yield return JsonValue.Create(date);
                        }
                        break;
                    case "uuid":
                        yield return JsonValue.Create("not-a-uuid");
                        yield return JsonValue.Create(Guid.Empty);
                        break;
                }
            }
            else
            {
                yield return JsonValue.Create(SampleText);
                yield return JsonValue.Create(5);
            }
        }

        private static IEnumerable<string> BadQueryValues(JsonElement schema)
        {
            yield return new string('a', 5000);
            yield return "nope";
            yield return "";
            var types = Types(schema);
            if (types.Contains("integer"))
            {
                foreach (var value in new[] { "abc", "2147483648", "-2147483649", "99999999999999999999", "0", "-1", "2147483647", "1.5" })
                {
                    yield return value;
                }
            }
            if (types.Contains("boolean"))
            {
                yield return "maybe";
            }
            switch (Format(schema))
            {
                case "date-time":
                    foreach (var value in new[] { "not-a-date", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "0001-01-01", "9999-12-31T23:59:59+14:00" })
                    {
                        yield return value;
                    }
                    break;
                case "uuid":
                    yield return "not-a-uuid";
                    break;
            }
        }
    }
}

/// <summary>A platform for the input walk alone: nothing it leaves behind reaches the other tests.</summary>
[CollectionDefinition(Name)]
public sealed class MalformedInputCollection : ICollectionFixture<PlatformFixture>
{
    public const string Name = "malformed input";
}
