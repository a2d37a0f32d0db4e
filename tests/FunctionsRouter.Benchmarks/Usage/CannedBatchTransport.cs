using System.Diagnostics.CodeAnalysis;
using System.Text;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace FunctionsRouter.Benchmarks.Usage;

/// <summary>
/// A table that answers every <c>$batch</c> at once with 202 and one <c>204</c> part per row, after writing the request
/// body to nowhere (so the client's serialization is measured, the network is not).
/// </summary>
internal sealed class CannedBatchTransport(int rows) : HttpPipelineTransport
{
    private const string Boundary = "batchresponse_00000000-0000-0000-0000-000000000000";
    private readonly HttpClientTransport _requests = new();
    private readonly byte[] _body = Body(rows);

    public override Request CreateRequest() => _requests.CreateRequest();

    public override void Process(HttpMessage message) => ProcessAsync(message).AsTask().GetAwaiter().GetResult();

    public override async ValueTask ProcessAsync(HttpMessage message)
    {
        if (message.Request.Content is { } content)
        {
            await content.WriteToAsync(Stream.Null, message.CancellationToken);
        }

        message.Response = new CannedResponse(_body);
    }

    private static byte[] Body(int rows)
    {
        var text = new StringBuilder();
        text.Append("--").Append(Boundary).Append("\r\nContent-Type: multipart/mixed; boundary=changesetresponse_1\r\n\r\n");
        for (var i = 0; i < rows; i++)
        {
            text.Append("--changesetresponse_1\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n")
                .Append("HTTP/1.1 204 No Content\r\nX-Content-Type-Options: nosniff\r\nCache-Control: no-cache\r\nDataServiceVersion: 3.0;\r\nETag: W/\"datetime'2026-12-01T00%3A00%3A00.0000000Z'\"\r\n\r\n\r\n");
        }

        text.Append("--changesetresponse_1--\r\n--").Append(Boundary).Append("--\r\n");
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private sealed class CannedResponse(byte[] body) : Response
    {
        private static readonly string ContentType = "multipart/mixed; boundary=" + Boundary;

        public override int Status => 202;

        public override string ReasonPhrase => "Accepted";

        public override Stream? ContentStream { get; set; } = new MemoryStream(body, writable: false);

        public override string ClientRequestId { get; set; } = string.Empty;

        public override void Dispose()
        {
        }

        protected override bool ContainsHeader(string name) => name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase);

        protected override IEnumerable<HttpHeader> EnumerateHeaders() => [new HttpHeader("Content-Type", ContentType)];

        protected override bool TryGetHeader(string name, [NotNullWhen(true)] out string? value)
        {
            value = ContainsHeader(name) ? ContentType : null;
            return value is not null;
        }

        protected override bool TryGetHeaderValues(string name, [NotNullWhen(true)] out IEnumerable<string>? values)
        {
            values = ContainsHeader(name) ? [ContentType] : null;
            return values is not null;
        }
    }
}
