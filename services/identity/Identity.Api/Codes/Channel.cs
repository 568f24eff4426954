namespace Identity.Api.Codes;

public enum Channel
{
    Email,
    Sms,
}
