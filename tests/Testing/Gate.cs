namespace Platform.Testing;

/// <summary>
/// Holds the first call that reaches it until released, so a test can act while that call is in flight;
/// <see cref="Entered"/> completes when the call arrives. Later calls pass straight through.
/// </summary>
public sealed class Gate
{
    private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _used;

    public Task Entered => _entered.Task;

    public void Release() => _released.TrySetResult();

    public async Task PassAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _used, 1) == 0)
        {
            _entered.TrySetResult();
            await _released.Task.WaitAsync(cancellationToken);
        }
    }
}
