/**
 * The embedded MQTT broker (Apache ActiveMQ Artemis with its MQTT 5 / 3.1.1 protocol), for a gateway without a broker
 * of its own, for trials and for the demo. Entry point: {@link io.ssmedge.agent.broker.EmbeddedBroker#start}.
 * Nothing here is loaded unless the broker is asked for ({@code broker.mode: embedded}, {@code run --embedded-broker},
 * {@code demo}); the agent talks to it over MQTT like to any other broker.
 */
package io.ssmedge.agent.broker;
