namespace Platform.Gateway.Tests;
