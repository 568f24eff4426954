namespace WebConsole.Api;

// pool's relay administration: the scheduling strategy and realtime rates.

public sealed record RelaySettings(string Strategy, string Source, DateTimeOffset? UpdatedAt);

public sealed record RelaySettingsRequest(string? Strategy);

public sealed record RealtimeUsage(int WindowMinutes, long Requests, long Tokens, double Rpm, double Tpm);
