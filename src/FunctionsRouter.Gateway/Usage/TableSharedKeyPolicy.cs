using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Azure.Core;
using Azure.Core.Pipeline;

namespace FunctionsRouter.Gateway.Usage;

/// <summary>
/// Signs a Table service request with the account key (Shared Key authorization, Table service form:
/// <c>VERB\nContent-MD5\nContent-Type\nx-ms-date\n/account/path</c>). Added per retry, so every try carries a fresh date.
/// Azure.Data.Tables keeps its own policy internal; this is the documented scheme, for the usage writer's own pipeline.
/// </summary>
internal sealed class TableSharedKeyPolicy(string accountName, string accountKey) : HttpPipelineSynchronousPolicy
{
    private readonly byte[] _key = Convert.FromBase64String(accountKey);
    private readonly string _accountName = accountName;

    public override void OnSendingRequest(HttpMessage message)
    {
        var date = DateTimeOffset.UtcNow.ToString("r", CultureInfo.InvariantCulture);
        message.Request.Headers.SetValue("x-ms-date", date);
        message.Request.Headers.TryGetValue("Content-Type", out var contentType);
        var uri = message.Request.Uri.ToUri();
        var stringToSign = message.Request.Method.Method + "\n\n" + contentType + "\n" + date + "\n/" + _accountName + uri.AbsolutePath;
        var signature = Convert.ToBase64String(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(stringToSign)));
        message.Request.Headers.SetValue("Authorization", "SharedKey " + _accountName + ":" + signature);
    }
}
