namespace Promo.Api.Legacy;

public static class LegacyCommandExtensions
{
    /// <summary>
    /// When the command line is <c>legacy …</c>, runs that command instead of the service, with the service's
    /// configuration, and sets the process exit code; returns whether it did.
    /// </summary>
    public static async Task<bool> RunLegacyCommandAsync(this IHostApplicationBuilder builder, string[] args)
    {
        if (!LegacyCommand.Handles(args))
        {
            return false;
        }
        // Logs go to stderr, so stdout carries only the command's report.
        using var loggers = LoggerFactory.Create(logging => logging
            .AddConfiguration(builder.Configuration.GetSection("Logging"))
            .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace)
            .AddSimpleConsole(o => o.SingleLine = true));
        using var stop = new CancellationTokenSource();
        ConsoleCancelEventHandler cancel = (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        Console.CancelKeyPress += cancel;
        try
        {
            Environment.ExitCode = await LegacyCommand.RunAsync(args, builder.Configuration, Console.Out, Console.Error, loggers, stop.Token);
        }
        finally
        {
            Console.CancelKeyPress -= cancel;
        }
        return true;
    }
}
