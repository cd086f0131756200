// The dashboards of KumaMetricsMesh in one module, which kuma-metrics-mesh.ts loads when a
// Grafana first asks for one (most apps have none). Not exported from the package.
export { kumaControlPlaneDashboard } from './control-plane-dashboard';
export { kumaDashboard } from './dashboard';
export { kumaGatewayDashboard } from './gateway-dashboard';
export { kumaMeshDashboard } from './mesh-dashboard';
export { kumaServiceDashboard } from './service-dashboard';
export { kumaServiceToServiceDashboard } from './service-to-service-dashboard';
