namespace FunctionsRouter.Gateway.Aliases;

/// <summary>The alias table could not be read and there is no earlier copy to serve.</summary>
public sealed class AliasCatalogUnavailableException(string message, Exception? innerException) : Exception(message, innerException);
