/**
 * Home Assistant MQTT discovery (https://www.home-assistant.io/integrations/mqtt/#mqtt-discovery):
 * one retained config message per entity under `<prefix>/<component>/<node>/<object>/config`,
 * so a rig appears in Home Assistant with no YAML. Values come from the device's retained
 * `state` topic; availability needs both the device's and the gateway's status "online"
 * (availability_mode "all"), so a dead gateway greys the rig out too.
 */
import { buildTopic } from "../../shared/protocol/topics";

/** The retained `state` JSON the gateway publishes (host-defined, PROTOCOL.md 6.1). */
export interface DeviceState {
  device: string;
  seq: number;
  time: number;
  timeQuality: number;
  energyIn: number;
  energyOut: number;
  power: number;
  relay: number;
  credit: number;
  flags: number;
  boot: number;
  verifiedAt: number;
}

export interface DiscoveryMessage {
  topic: string;
  payload: string;
}

/**
 * Config messages for energy (Wh, total_increasing), power (W), relay and credit (hours).
 * @throws SolkitError E_TOPIC when site or device is not valid in a topic
 */
export function discoveryMessages(prefix: string, site: string, device: string, gatewayStatusTopic: string, name?: string): DiscoveryMessage[] {
  const node = `solkit_${device.slice(0, 12).toLowerCase()}`;
  const stateTopic = buildTopic(site, device, "state");
  const common = {
    state_topic: stateTopic,
    availability: [{ topic: buildTopic(site, device, "status") }, { topic: gatewayStatusTopic }],
    availability_mode: "all",
    payload_available: "online",
    payload_not_available: "offline",
    device: {
      identifiers: [node],
      name: name || `solkit ${device.slice(0, 8)}`,
      manufacturer: "solkit",
      model: "pay-as-you-go meter",
    },
  };
  const entity = (component: string, object: string, cfg: Record<string, unknown>): DiscoveryMessage => ({
    topic: `${prefix}/${component}/${node}/${object}/config`,
    payload: JSON.stringify({ ...common, unique_id: `${node}_${object}`, object_id: `${node}_${object}`, ...cfg }),
  });
  return [
    entity("sensor", "energy", {
      name: "Energy",
      device_class: "energy",
      state_class: "total_increasing",
      unit_of_measurement: "Wh",
      // The register is in mWh (PROTOCOL.md 2); Home Assistant's energy dashboard takes Wh.
      value_template: "{{ (value_json.energyIn / 1000) | round(3) }}",
    }),
    entity("sensor", "power", {
      name: "Power",
      device_class: "power",
      state_class: "measurement",
      unit_of_measurement: "W",
      value_template: "{{ (value_json.power / 1000) | round(1) }}",
    }),
    entity("binary_sensor", "relay", {
      name: "Load relay",
      device_class: "power",
      value_template: "{{ 'ON' if value_json.relay == 1 else 'OFF' }}",
    }),
    entity("sensor", "credit", {
      name: "Credit",
      device_class: "duration",
      state_class: "measurement",
      unit_of_measurement: "h",
      value_template: "{{ (value_json.credit / 3600) | round(2) }}",
    }),
  ];
}
