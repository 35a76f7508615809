/** The console's sessions, its loopback API client, and its pages. */
package io.modelgateway.gateway.console.internal;
