/**
 * The factory simulator: pump sensor streams with the 8 SKAB channels, faults, true labels, and the replay of
 * recorded SKAB-style CSVs, published over MQTT. Entry point: {@link io.ssmedge.agent.simulator.Simulator}.
 */
package io.ssmedge.agent.simulator;
