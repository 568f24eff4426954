namespace WebConsole.Components;

/// <summary>The console's one success (and network error) flow: a message that closes itself after a few seconds.</summary>
public sealed class Toasts
{
    public sealed record Toast(Guid Id, string Text, bool IsError);

    private readonly List<Toast> _shown = [];

    public IReadOnlyList<Toast> Shown => _shown;

    public event Action? Changed;

    public void Success(string text) => Show(text, isError: false);

    public void Error(string text) => Show(text, isError: true);

    public void Close(Guid id)
    {
        _shown.RemoveAll(t => t.Id == id);
        Changed?.Invoke();
    }

    private void Show(string text, bool isError)
    {
        var toast = new Toast(Guid.NewGuid(), text, isError);
        _shown.Add(toast);
        Changed?.Invoke();
        _ = CloseLaterAsync(toast.Id);
    }

    private async Task CloseLaterAsync(Guid id)
    {
        await Task.Delay(TimeSpan.FromSeconds(6));
        Close(id);
    }
}
