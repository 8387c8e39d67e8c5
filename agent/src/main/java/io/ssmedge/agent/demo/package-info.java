/**
 * The live demo: embedded broker, factory simulator (or SKAB replay), the agent and its status pages in one process.
 * Entry point: {@link io.ssmedge.agent.demo.LiveDemo#start}.
 */
package io.ssmedge.agent.demo;
