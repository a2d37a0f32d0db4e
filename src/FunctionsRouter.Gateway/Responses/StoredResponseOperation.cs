namespace FunctionsRouter.Gateway.Responses;

/// <summary>A call about a response the upstream stores: <c>/api/v1/responses/{id}[…]</c>.</summary>
public enum StoredResponseOperation
{
    /// <summary><c>GET /responses/{id}</c> (usage operation <c>responses.get</c>).</summary>
    Get,

    /// <summary><c>DELETE /responses/{id}</c> (<c>responses.delete</c>).</summary>
    Delete,

    /// <summary><c>POST /responses/{id}/cancel</c> (<c>responses.cancel</c>).</summary>
    Cancel,

    /// <summary><c>GET /responses/{id}/input_items</c> (<c>responses.input_items</c>).</summary>
    InputItems,
}
