using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Pool.Api.Relay;

namespace Pool.Tests.Relay;

/// <summary>The relay's readings of bodies: the sticky-session hash, model names and reported usage.</summary>
public sealed class RelayParsingTests
{
    private static string Sha(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..32];

    private static string? HashOf(string json) => SessionHash.From(JsonDocument.Parse(json).RootElement);

    [Fact]
    public void The_session_hash_prefers_cacheable_parts_then_the_system_prompt_then_the_first_message()
    {
        Assert.Equal(Sha("rulesdoc"), HashOf("""
            {"system":[{"type":"text","text":"rules","cache_control":{"type":"ephemeral"}},{"type":"text","text":"plain"}],
             "messages":[{"role":"user","content":[{"type":"text","text":"doc","cache_control":{"type":"ephemeral"}},{"type":"text","text":"q"}]}]}
            """));
        Assert.Equal(Sha("be brief"), HashOf("""{"system":"be brief","messages":[{"role":"user","content":"hello"}]}"""));
        Assert.Equal(Sha("ab"), HashOf("""{"system":[{"type":"text","text":"a"},{"type":"text","text":"b"}],"messages":[]}"""));
        Assert.Equal(Sha("hello"), HashOf("""{"messages":[{"role":"user","content":"hello"},{"role":"assistant","content":"hi"}]}"""));
        Assert.Equal(Sha("part1part2"), HashOf("""{"messages":[{"role":"user","content":[{"type":"text","text":"part1"},{"type":"text","text":"part2"}]}]}"""));
        Assert.Null(HashOf("""{"messages":[]}"""));
        Assert.Null(HashOf("[1,2]"));
        Assert.Equal(32, HashOf("""{"system":"x"}""")!.Length);
    }

    [Theory]
    [InlineData("claude-sonnet-4-20250514", "claude-sonnet-4-20250514")]
    [InlineData("us.anthropic.claude-3-5-sonnet-20241022-v2:0", "claude-3-5-sonnet-20241022")]
    [InlineData("anthropic.claude-3-haiku-20240307-v1:0", "claude-3-haiku-20240307")]
    [InlineData("claude-3-5-sonnet@20240620", "claude-3-5-sonnet-20240620")]
    [InlineData("  Claude-Opus-4-1  ", "claude-opus-4-1")]
    [InlineData("", "unknown")]
    [InlineData(null, "unknown")]
    public void Model_names_are_normalised(string? model, string expected) => Assert.Equal(expected, ModelNames.Normalize(model));

    [Fact]
    public void Stream_usage_is_read_across_chunk_boundaries_and_later_reports_replace_earlier_ones()
    {
        var stream = """
            event: message_start
            data: {"type":"message_start","message":{"model":"claude-3-5-haiku-20241022","usage":{"input_tokens":12,"cache_creation_input_tokens":3,"cache_read_input_tokens":4,"output_tokens":1}}}

            event: content_block_delta
            data: {"type":"content_block_delta","delta":{"type":"text_delta","text":"usage is \"usage\""}}

            event: message_delta
            data: {"type":"message_delta","usage":{"output_tokens":42}}

            """.Replace("\r\n", "\n");
        var bytes = Encoding.UTF8.GetBytes(stream);
        var meter = new UsageMeter(eventStream: true, requestModel: "claude-requested");
        for (var i = 0; i < bytes.Length; i += 7)
        {
            meter.Write(bytes.AsSpan(i, Math.Min(7, bytes.Length - i)));
        }
        Assert.Equal(new TokenUsage("claude-3-5-haiku-20241022", 12, 42, 3, 4), meter.Complete());
    }

    [Fact]
    public void Json_usage_is_read_in_anthropic_or_openai_words_and_a_response_without_usage_reports_none()
    {
        var anthropic = new UsageMeter(false, "m");
        anthropic.Write("""{"model":"claude-sonnet-4-5","usage":{"input_tokens":7,"output_tokens":8}}"""u8);
        Assert.Equal(new TokenUsage("claude-sonnet-4-5", 7, 8, 0, 0), anthropic.Complete());

        var openAi = new UsageMeter(false, null);
        openAi.Write("""{"model":"gpt-4o","usage":{"prompt_tokens":9,"completion_tokens":2,"prompt_tokens_details":{"cached_tokens":5}}}"""u8);
        Assert.Equal(new TokenUsage("gpt-4o", 9, 2, 0, 5), openAi.Complete());

        var none = new UsageMeter(false, "m");
        none.Write("""{"type":"error"}"""u8);
        Assert.Null(none.Complete());
    }

    [Fact]
    public void Cost_uses_the_longest_matching_price_prefix_and_unknown_models_cost_nothing()
    {
        var options = new RelayOptions();
        options.Pricing["claude-sonnet-4-5"] = new ModelPrice(6m, 30m, 7.5m, 0.6m);
        var usage = new TokenUsage("claude-sonnet-4-5-20250929", 1_000_000, 1_000_000, 1_000_000, 1_000_000);
        Assert.Equal(44.1m, usage.CostWith(options.PriceOf(usage.Model)));
        Assert.Equal(22.05m, usage.CostWith(options.PriceOf("claude-sonnet-4-20250514")));
        Assert.Equal(0m, usage.CostWith(options.PriceOf("gpt-4o")));
    }

    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static TimeSpan? RestOf(RelayOptions options, params (string Name, string Value)[] headers)
    {
        using var response = new HttpResponseMessage(System.Net.HttpStatusCode.TooManyRequests);
        foreach (var (name, value) in headers) response.Headers.TryAddWithoutValidation(name, value);
        return RateLimits.RestOf(response.Headers, Now, options);
    }

    [Fact]
    public void A_429_is_the_accounts_only_with_retry_after_or_an_exhausted_limit_and_its_rest_stays_within_the_bounds()
    {
        var options = new RelayOptions { RateLimitedSeconds = 600, RateLimitMinSeconds = 5, RateLimitMaxSeconds = 900 };
        // Nothing says the account is out of anything: the request's own 429.
        Assert.Null(RestOf(options));
        Assert.Null(RestOf(options, ("anthropic-ratelimit-requests-remaining", "3"), ("x-ratelimit-remaining-tokens", "100")));

        Assert.Equal(TimeSpan.FromSeconds(30), RestOf(options, ("Retry-After", "30")));
        Assert.Equal(TimeSpan.FromSeconds(120), RestOf(options, ("Retry-After", Now.AddMinutes(2).ToString("R"))));
        // The later reset of the exhausted limits; a limit with something left does not count.
        Assert.Equal(TimeSpan.FromSeconds(40), RestOf(options,
            ("anthropic-ratelimit-tokens-remaining", "0"), ("anthropic-ratelimit-tokens-reset", "2026-01-01T12:00:40Z"),
            ("anthropic-ratelimit-input-tokens-remaining", "0"), ("anthropic-ratelimit-input-tokens-reset", "2026-01-01T12:00:10Z"),
            ("anthropic-ratelimit-requests-remaining", "7"), ("anthropic-ratelimit-requests-reset", "2026-01-01T12:30:00Z")));
        // Exhausted without a reset it can read: the configured rest.
        Assert.Equal(TimeSpan.FromSeconds(600), RestOf(options, ("x-ratelimit-remaining-requests", "0")));
        Assert.Equal(TimeSpan.FromSeconds(600), RestOf(options, ("anthropic-ratelimit-requests-remaining", "0")));
        // Bounded by Relay:RateLimitMinSeconds and Relay:RateLimitMaxSeconds.
        Assert.Equal(TimeSpan.FromSeconds(900), RestOf(options, ("Retry-After", "86400")));
        Assert.Equal(TimeSpan.FromSeconds(5), RestOf(options, ("Retry-After", "0")));
        Assert.Equal(TimeSpan.FromSeconds(5), RestOf(options, ("anthropic-ratelimit-tokens-remaining", "0"), ("anthropic-ratelimit-tokens-reset", "2026-01-01T11:00:00Z")));
    }

    [Fact]
    public void Rate_limit_bounds_that_contradict_each_other_are_refused_on_start()
    {
        var options = new RelayOptions { RateLimitMinSeconds = 100, RateLimitMaxSeconds = 10 };
        var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
        Assert.False(System.ComponentModel.DataAnnotations.Validator.TryValidateObject(options, new(options), results, validateAllProperties: true));
        Assert.Contains(results, r => r.MemberNames.Contains(nameof(RelayOptions.RateLimitMinSeconds)));
    }
}
