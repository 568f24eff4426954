using Microsoft.Extensions.Logging;

namespace Platform.LocalServers;

internal static partial class Log
{
    [LoggerMessage(LogLevel.Error, "Creating database {Database} failed")]
    public static partial void LogDatabaseFailed(this ILogger logger, string database, Exception exception);
}
