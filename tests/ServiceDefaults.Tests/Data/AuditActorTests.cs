using System.Security.Claims;
using Platform.ServiceDefaults.Auth;
using Platform.ServiceDefaults.Data;

namespace ServiceDefaults.Tests.Data;

/// <summary>Audit rows name the actor by id with their contact masked, never in the clear.</summary>
public sealed class AuditActorTests
{
    private static ClaimsPrincipal User(params (string Type, string Value)[] claims) =>
        new(new ClaimsIdentity(claims.Select(c => new Claim(c.Type, c.Value)), "test"));

    [Theory]
    [InlineData("alice@example.com", "a***e@example.com")]
    [InlineData("al@example.com", "a***@example.com")]
    [InlineData("a@example.com", "a***@example.com")]
    [InlineData("not-an-email", "***")]
    public void Emails_keep_their_first_and_last_letters_and_domain(string email, string masked) =>
        Assert.Equal(masked, AuditExtensions.MaskEmail(email));

    [Theory]
    [InlineData("+8613812345678", "+86*******5678")]
    [InlineData("13812345678", "138****5678")]
    [InlineData("1234567", "***")]
    public void Phones_keep_their_prefix_and_last_four_digits(string phone, string masked) =>
        Assert.Equal(masked, AuditExtensions.MaskPhone(phone));

    [Fact]
    public void The_actor_is_the_user_id_with_the_email_masked_or_else_the_phone_masked()
    {
        var id = Guid.NewGuid().ToString();
        Assert.Equal($"{id} b***b@example.test", AuditExtensions.ActorOf(User((InternalClaims.Subject, id), (InternalClaims.Email, "bob@example.test"), (InternalClaims.Phone, "+8613812345678"))));
        Assert.Equal($"{id} +86*******5678", AuditExtensions.ActorOf(User((InternalClaims.Subject, id), (InternalClaims.Phone, "+8613812345678"))));
        Assert.Equal(id, AuditExtensions.ActorOf(User((InternalClaims.Subject, id))));
        Assert.Equal("anonymous", AuditExtensions.ActorOf(User()));
    }
}
