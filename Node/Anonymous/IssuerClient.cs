using System.Net.Http.Json;
using System.Text.Json;

namespace VoteChain.Node.Anonymous;

/// <summary>The voter's side of the issuer protocol (<see cref="IssuerProtocol"/>). Every failure is one line naming the issuer.</summary>
internal sealed class IssuerClient : IDisposable
{
    // A sign request waits for every issuer's poll book entry to commit (at most 240 s at the issuer).
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);
    private const int MaxAnswerBytes = 64 * 1024;

    private readonly HttpClient _http;

    public IssuerClient(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new UserInputException($"--issuer '{url}' is not an http:// or https:// URL");
        }

        Url = url.TrimEnd('/');
        _http = new HttpClient { BaseAddress = new Uri(Url + "/"), Timeout = Timeout, MaxResponseContentBufferSize = MaxAnswerBytes };
    }

    public string Url { get; }

    public IssuerInfo Info() => Send<IssuerInfo>(() => _http.GetAsync(IssuerProtocol.InfoPath.TrimStart('/')));

    public WeightKeyResponse WeightKey(WeightKeyRequest request) =>
        Send<WeightKeyResponse>(() => _http.PostAsJsonAsync(IssuerProtocol.KeyPath.TrimStart('/'), request, IssuerProtocol.Json));

    public SignResponse Sign(SignRequest request) =>
        Send<SignResponse>(() => _http.PostAsJsonAsync(IssuerProtocol.SignPath.TrimStart('/'), request, IssuerProtocol.Json));

    public void Dispose() => _http.Dispose();

    private T Send<T>(Func<Task<HttpResponseMessage>> send)
        where T : class
    {
        try
        {
            using var response = send().GetAwaiter().GetResult();
            var body = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
            if (!response.IsSuccessStatusCode)
            {
                var error = TryParse<IssuerError>(body);
                throw new UserInputException(error is null
                    ? $"issuer {Url} answered {(int)response.StatusCode} {response.ReasonPhrase}"
                    : $"issuer {Url} refused: {Printable(error.Code)}: {Printable(error.Message)}");
            }

            return TryParse<T>(body) ?? throw new UserInputException($"issuer {Url} sent an answer that is not valid JSON");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            throw new UserInputException($"cannot reach the issuer at {Url} ({e.Message})", e);
        }
    }

    /// <summary>An issuer's words as plain printable text, bounded: no terminal escape sequences reach the voter's screen.</summary>
    public static string Printable(string? text)
    {
        var clean = new string((text ?? "").Where(c => !char.IsControl(c)).Take(300).ToArray());
        return clean.Length == 0 ? "(nothing)" : clean;
    }

    private static T? TryParse<T>(string body)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(body, IssuerProtocol.Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
