/** JMH benchmarks of ssm-edge. */
package io.ssmedge.bench;
